using System.Threading.Channels;

namespace Harness.Engines.Llama.Batching;

/// <summary>A submitted request waiting for the engine thread, with the channel its tokens stream into.</summary>
internal sealed record PendingRequest(GenerationRequest Request, Channel<TokenEvent> Output, CancellationToken Cancellation);
