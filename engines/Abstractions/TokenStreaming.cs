namespace Harness.Engines;

/// <summary>How an engine delivers generated tokens, which decides whether inter-token gaps are per token or per chunk.</summary>
public enum TokenStreaming
{
    /// <summary>Each token is delivered when it is ready (in-process engines).</summary>
    PerToken,

    /// <summary>Tokens may arrive several to one chunk (HTTP servers), so a gap can span more than one token.</summary>
    Chunks,
}
