namespace Harness.Engines.Llama.Batching;

/// <summary>How the engine groups requests into model steps.</summary>
public enum BatchingMode
{
    /// <summary>One request at a time, first come first served.</summary>
    None,

    /// <summary>Gather up to max_batch requests (or wait up to batch_wait_ms), run them until every one ends.</summary>
    Static,

    /// <summary>Admit and retire sequences at every decode step (iteration-level scheduling, as Orca and vLLM).</summary>
    Continuous,
}
