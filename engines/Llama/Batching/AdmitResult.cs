namespace Harness.Engines.Llama.Batching;

/// <summary>What came of trying to give a waiting sequence KV memory.</summary>
internal enum AdmitResult
{
    Admitted,

    /// <summary>Not enough memory now; it stays waiting.</summary>
    NotNow,

    /// <summary>It can never fit; the request was failed.</summary>
    Failed,
}
