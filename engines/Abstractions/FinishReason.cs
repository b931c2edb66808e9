namespace Harness.Engines;

/// <summary>Why a request stopped producing tokens.</summary>
public enum FinishReason
{
    /// <summary>Reached its maximum number of new tokens (or the model's context).</summary>
    Length,

    /// <summary>Produced an end-of-sequence token.</summary>
    Eos,

    /// <summary>The caller cancelled it.</summary>
    Cancelled,

    /// <summary>The engine failed on it.</summary>
    Error,
}
