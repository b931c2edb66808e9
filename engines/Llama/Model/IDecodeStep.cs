namespace Harness.Engines.Llama.Model;

/// <summary>One decode step of one sequence: the token at position cache.Length in, its logits out.</summary>
public interface IDecodeStep : IDisposable
{
    void Decode(int id, KvCache cache, Span<float> logits);
}

/// <summary>Builds a decode step over a model's weights.</summary>
public interface IDecodeStepFactory
{
    IDecodeStep Create(LlamaModel model);
}
