namespace Harness.Engines;

/// <summary>
/// An error the user can act on (bad model spec, unreadable checkpoint, unsupported option). The CLI prints its
/// message as one line and exits with code 2; it is never shown as a stack trace.
/// </summary>
public sealed class EngineException : Exception
{
    public EngineException(string message)
        : base(message)
    {
    }

    public EngineException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
