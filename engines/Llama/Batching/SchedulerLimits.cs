namespace Harness.Engines.Llama.Batching;

/// <summary>How much one scheduler step may take on.</summary>
/// <param name="MaxSequences">Most sequences holding KV at once (max_batch; vLLM's max_num_seqs).</param>
/// <param name="MaxBatchedTokens">Most positions (prompt tokens plus decode rows) one step computes; 0 means prompts
/// are never split (vLLM's max_num_batched_tokens with chunked prefill).</param>
/// <param name="BatchWait">How long a static batch waits for more requests after its first.</param>
internal sealed record SchedulerLimits(int MaxSequences, int MaxBatchedTokens, TimeSpan BatchWait);
