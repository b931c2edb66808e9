namespace Harness;

/// <summary>
/// Bad input on the harness side (a trace file, a parameter, a gate spec) that the user can fix. The CLI prints the
/// message as one line and exits with code 2, so messages name the file, line or parameter involved.
/// </summary>
public sealed class HarnessInputException : Exception
{
    public HarnessInputException(string message)
        : base(message)
    {
    }
}
