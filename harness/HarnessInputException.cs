namespace Harness;

/// <summary>
/// Bad input to the harness (scenario, trace, option value). The CLI prints the message as one line and exits with
/// code 2.
/// </summary>
internal sealed class HarnessInputException : Exception
{
    public HarnessInputException(string message)
        : base(message)
    {
    }

    public HarnessInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
