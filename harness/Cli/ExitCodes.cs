namespace Harness.Cli;

/// <summary>Process exit codes, documented in the README.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A run failed, or a regression gate tripped.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or bad input (arguments, scenario, model, trace).</summary>
    public const int UsageError = 2;

    /// <summary>Stopped by Ctrl+C; what finished was written.</summary>
    public const int Interrupted = 130;
}
