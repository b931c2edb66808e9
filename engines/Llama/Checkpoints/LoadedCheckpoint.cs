using Harness.Engines.Llama.Model;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// A model's config and its weights as CPU, contiguous TorchSharp tensors keyed by Hugging Face name, in the dtype
/// they were stored in (float32, bfloat16 or float16; the engine converts). Owns the tensors: disposing it frees them.
/// </summary>
public sealed class LoadedCheckpoint : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;
    private bool disposed;

    /// <summary>Takes ownership of <paramref name="tensors"/>.</summary>
    public LoadedCheckpoint(LlamaConfig config, IDictionary<string, Tensor> tensors, string? tokenizerJsonPath, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        Config = config;
        this.tensors = new Dictionary<string, Tensor>(tensors, StringComparer.Ordinal);
        TokenizerJsonPath = tokenizerJsonPath;
        Source = source;
    }

    public LlamaConfig Config { get; }

    /// <summary>Tensors by Hugging Face name (see <see cref="LlamaTensorNames"/>).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    /// <summary>The model's tokenizer.json, or null when it has none (llama2.c files, presets).</summary>
    public string? TokenizerJsonPath { get; }

    /// <summary>Where the weights came from, for logs and reports (e.g. <c>hf:/models/x (2 shards)</c>).</summary>
    public string Source { get; }

    /// <summary>Bytes held by all tensors.</summary>
    public long TotalBytes => tensors.Values.Sum(t => t.NumberOfElements * t.ElementSize);

    /// <summary>The tensor called <paramref name="name"/>; throws <see cref="EngineException"/> naming it when absent.</summary>
    public Tensor this[string name] =>
        tensors.TryGetValue(name, out Tensor? t) ? t : throw new EngineException($"{Source}: tensor '{name}' is missing");

    /// <summary>The tensor called <paramref name="name"/>, or null (optional tensors such as biases).</summary>
    public Tensor? TryGet(string name) => tensors.GetValueOrDefault(name);

    /// <summary>
    /// Checks every tensor the config implies (<see cref="LlamaTensorNames.Expected"/>) exists with exactly the expected
    /// shape and a float dtype, and that a stored-but-tied LM head has the embedding's shape. Throws
    /// <see cref="EngineException"/> naming the first offending tensor with expected and actual shape/dtype.
    /// </summary>
    public LoadedCheckpoint Validate()
    {
        var expected = new List<ExpectedTensor>(LlamaTensorNames.Expected(Config));
        if (Config.TieEmbeddings && tensors.ContainsKey(LlamaTensorNames.LmHead))
        {
            // Some tied checkpoints store the head anyway; the engine ignores it, but a wrong one means a wrong config.
            expected.Add(new(LlamaTensorNames.LmHead, [Config.VocabSize, Config.HiddenSize]));
        }

        foreach (ExpectedTensor e in expected)
        {
            if (!tensors.TryGetValue(e.Name, out Tensor? t))
            {
                throw new EngineException($"{Source}: tensor '{e.Name}' is missing (expected shape {FormatShape(e.Shape)})");
            }

            if (!t.shape.AsSpan().SequenceEqual(e.Shape.ToArray()))
            {
                throw new EngineException(
                    $"{Source}: tensor '{e.Name}' has shape {FormatShape(t.shape)}, expected {FormatShape(e.Shape)} for this config");
            }

            if (!IsFloat(t.dtype))
            {
                throw new EngineException($"{Source}: tensor '{e.Name}' has dtype {t.dtype}, expected Float32, BFloat16 or Float16");
            }
        }

        return this;
    }

    /// <summary>Builds and validates; on a validation failure the tensors are freed before the exception propagates.</summary>
    internal static LoadedCheckpoint CreateValidated(LlamaConfig config, IDictionary<string, Tensor> tensors, string? tokenizerJsonPath, string source)
    {
        var checkpoint = new LoadedCheckpoint(config, tensors, tokenizerJsonPath, source);
        try
        {
            return checkpoint.Validate();
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (Tensor t in tensors.Values)
        {
            t.Dispose();
        }

        tensors.Clear();
    }

    internal static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    private static bool IsFloat(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16;
}
