using System.Buffers.Binary;
using Harness.Engines.Llama.Model;
using Harness.Engines.Llama.Torch;
using static TorchSharp.torch;
using N = Harness.Engines.Llama.Checkpoints.LlamaTensorNames;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>
/// The llama2.c "legacy" checkpoint format: 7 little-endian int32 header fields (dim, hidden_dim, n_layers, n_heads,
/// n_kv_heads, vocab_size, seq_len), then float32 tensors stacked over layers: token_embedding [vocab, dim],
/// rms_att [L, dim], wq [L, dim, dim], wk [L, kv_dim, dim], wv [L, kv_dim, dim], wo [L, dim, dim], rms_ffn [L, dim],
/// w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden, dim], rms_final [dim], freq_cis_real and freq_cis_imag
/// [seq, head_dim/2] (unused: RoPE is recomputed), then, when vocab_size is negative, an untied classifier [vocab, dim].
/// </summary>
/// <remarks>
/// Weights are mapped to Hugging Face names AS STORED: llama2.c's wq/wk keep Meta's adjacent-pair RoPE layout, so the
/// config says <see cref="RopeLayout.AdjacentPairs"/> instead of permuting rows. Numerics are fixed by the format:
/// theta 10000, eps 1e-5. Token 1 is BOS and also the format's sequence delimiter: the reference generation loop stops
/// when it samples token 1, so it is also the end-of-sequence token here.
/// </remarks>
public static class Llama2cCheckpoint
{
    public const string ModelType = "llama2c";
    private const int HeaderBytes = 7 * sizeof(int);

    /// <summary>Reads the header into a config (without weights); throws <see cref="EngineException"/> on a bad header.</summary>
    public static LlamaConfig ReadConfig(string path) => ReadHeader(path).Config;

    /// <summary>Loads the whole checkpoint, checking the file size matches the header exactly.</summary>
    public static LoadedCheckpoint Load(string path)
    {
        (LlamaConfig config, bool sharedClassifier) = ReadHeader(path);
        long expected = ExpectedFileBytes(config, sharedClassifier);
        long actual = new FileInfo(path).Length;
        if (actual != expected)
        {
            throw new EngineException(
                $"{path}: file is {actual} bytes but its header (dim {config.HiddenSize}, hidden {config.IntermediateSize}, layers {config.NumLayers}, " +
                $"heads {config.NumHeads}, kv heads {config.NumKvHeads}, vocab {config.VocabSize}, seq {config.MaxPositions}, " +
                $"{(sharedClassifier ? "shared" : "separate")} classifier) implies {expected} bytes");
        }

        TorchRuntime.EnsureInitialized();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            stream.Seek(HeaderBytes, SeekOrigin.Begin);
            long d = config.HiddenSize;
            long kv = config.KvDim;
            long hidden = config.IntermediateSize;
            int layers = config.NumLayers;

            void One(string name, params long[] shape) => tensors.Add(name, Read(stream, shape));
            void PerLayer(string suffix, params long[] shape)
            {
                for (int i = 0; i < layers; i++)
                {
                    One(N.Layer(i, suffix), shape);
                }
            }

            One(N.Embed, config.VocabSize, d);
            PerLayer(N.InputNorm, d);
            PerLayer(N.Q, d, d);
            PerLayer(N.K, kv, d);
            PerLayer(N.V, kv, d);
            PerLayer(N.O, d, d);
            PerLayer(N.PostAttentionNorm, d);
            PerLayer(N.Gate, hidden, d); // w1
            PerLayer(N.Down, d, hidden); // w2
            PerLayer(N.Up, hidden, d); // w3
            One(N.FinalNorm, d);

            // freq_cis_real, freq_cis_imag: [seq, head_dim/2] each, superseded by the engine's own RoPE tables.
            stream.Seek(2L * config.MaxPositions * (config.HeadDim / 2) * sizeof(float), SeekOrigin.Current);
            if (!sharedClassifier)
            {
                One(N.LmHead, config.VocabSize, d);
            }
        }
        catch (Exception ex)
        {
            foreach (Tensor t in tensors.Values)
            {
                t.Dispose();
            }

            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new EngineException($"{path}: cannot read llama2.c checkpoint: {ex.Message}", ex);
            }

            throw;
        }

        return LoadedCheckpoint.CreateValidated(config, tensors, tokenizerJsonPath: null, source: $"llama2c:{path}");
    }

    /// <summary>Header + all float32 tensors, with or without the trailing classifier.</summary>
    public static long ExpectedFileBytes(LlamaConfig config, bool sharedClassifier)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.HiddenSize;
        long kv = config.KvDim;
        long h = config.IntermediateSize;
        long l = config.NumLayers;
        long floats = (config.VocabSize * d)
            + (l * d) // rms_att
            + (l * d * d) + (2 * l * kv * d) + (l * d * d) // wq, wk, wv, wo
            + (l * d) // rms_ffn
            + (3 * l * h * d) // w1, w2, w3
            + d // rms_final
            + (2L * config.MaxPositions * (config.HeadDim / 2)); // freq_cis_real, freq_cis_imag
        if (!sharedClassifier)
        {
            floats += config.VocabSize * d;
        }

        return HeaderBytes + (floats * sizeof(float));
    }

    private static (LlamaConfig Config, bool SharedClassifier) ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new EngineException($"llama2.c checkpoint not found: {path}");
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length < HeaderBytes)
            {
                throw new EngineException($"{path}: file is {stream.Length} bytes, shorter than the {HeaderBytes}-byte llama2.c header");
            }

            stream.ReadExactly(header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{path}: cannot read llama2.c checkpoint: {ex.Message}", ex);
        }

        var f = new int[7];
        for (int i = 0; i < f.Length; i++)
        {
            f[i] = BinaryPrimitives.ReadInt32LittleEndian(header[(i * 4)..]);
        }

        (int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int seqLen) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || vocab == int.MinValue || seqLen <= 0 || dim % heads != 0)
        {
            throw new EngineException(
                $"{path}: not a llama2.c checkpoint (header dim {dim}, hidden {hiddenDim}, layers {layers}, heads {heads}, kv heads {kvHeads}, vocab {vocab}, seq {seqLen})");
        }

        var config = new LlamaConfig
        {
            ModelType = ModelType,
            VocabSize = Math.Abs(vocab),
            HiddenSize = dim,
            IntermediateSize = hiddenDim,
            NumLayers = layers,
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = dim / heads,
            MaxPositions = seqLen,
            RopeTheta = 10000,
            RopeLayout = RopeLayout.AdjacentPairs,
            RmsNormEps = 1e-5,
            TieEmbeddings = vocab > 0,
            AttentionBias = false,
            BosTokenId = 1,
            EosTokenIds = [1],
        };
        return (config.Validate(), vocab > 0);
    }

    private static Tensor Read(Stream stream, long[] shape)
    {
        Tensor t = empty(shape, ScalarType.Float32);
        try
        {
            // Straight into the tensor's storage; the file is little-endian float32 like the host.
            TensorBytes.ReadFrom(t, stream);
        }
        catch
        {
            t.Dispose();
            throw;
        }

        return t;
    }
}
