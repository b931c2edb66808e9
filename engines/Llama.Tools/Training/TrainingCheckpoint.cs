using System.Globalization;
using System.Text.Json;
using Harness.Engines.Llama.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// Everything a run needs to continue where it stopped, in one safetensors file: the parameters, both AdamW moments,
/// and in its metadata the step reached, the options and the corpus hash. Written to a temporary file and renamed
/// over the previous one, so an interruption at any moment leaves the last complete checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string FileName = "checkpoint.safetensors";
    private const string Parameter = "param.";
    private const string First = "adam_m.";
    private const string Second = "adam_v.";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What a checkpoint says about its run.</summary>
    /// <param name="Seconds">Training time spent up to <paramref name="Step"/>, summed over resumed sessions.</param>
    public sealed record Header(int Step, TrainOptions Options, string CorpusSha256, double Seconds);

    public static void Save(string directory, TinyLlama model, AdamW optimizer, Header header)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor p) in model.Parameters)
        {
            tensors[Parameter + name] = p.detach();
            tensors[First + name] = optimizer.First[name];
            tensors[Second + name] = optimizer.Second[name];
        }

        var metadata = new Dictionary<string, string>
        {
            ["step"] = header.Step.ToString(CultureInfo.InvariantCulture),
            ["options"] = JsonSerializer.Serialize(header.Options, Json),
            ["corpus_sha256"] = header.CorpusSha256,
            ["seconds"] = header.Seconds.ToString("R", CultureInfo.InvariantCulture),
        };
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        SafetensorsWriter.Write(temporary, tensors, metadata);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The header of the checkpoint in <paramref name="directory"/>, or null when there is none.</summary>
    /// <summary>
    /// The checkpoint a run in <paramref name="work"/> continues from: required with <paramref name="resume"/>, refused
    /// without it (a new run would overwrite it), null for a new run.
    /// </summary>
    /// <param name="command">The command's name, for the message.</param>
    public static Header? ForRun(string work, bool resume, string command)
    {
        Header? header = ReadHeader(work);
        if (resume && header is null)
        {
            throw new EngineException($"--resume: no {FileName} in {work}");
        }

        if (!resume && header is not null)
        {
            throw new EngineException($"{work} holds a checkpoint at step {header.Step}: pass {command} --resume to continue it, or another --out");
        }

        return header;
    }

    /// <summary>Refuses to resume a checkpoint made from another corpus (another SDK version's documentation).</summary>
    public static void CheckCorpus(Header? header, string corpusSha256)
    {
        if (header is not null && header.CorpusSha256 != corpusSha256)
        {
            throw new EngineException($"--resume: this SDK's corpus ({corpusSha256[..16]}…) differs from the checkpoint's ({header.CorpusSha256[..16]}…)");
        }
    }

    public static Header? ReadHeader(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using SafetensorsFile file = SafetensorsFile.Open(path);
        IReadOnlyDictionary<string, string> m = file.Metadata;
        return new Header(
            int.Parse(m["step"], CultureInfo.InvariantCulture),
            JsonSerializer.Deserialize<TrainOptions>(m["options"], Json) ?? throw new EngineException($"{path}: no options"),
            m["corpus_sha256"],
            double.Parse(m["seconds"], CultureInfo.InvariantCulture));
    }

    /// <summary>Copies the stored parameters and moments into <paramref name="model"/> and <paramref name="optimizer"/>.</summary>
    public static void Restore(string directory, TinyLlama model, AdamW optimizer, int step)
    {
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(directory, FileName));
        using var noGrad = torch.no_grad();
        foreach ((string name, Tensor p) in model.Parameters)
        {
            using Tensor stored = file.ReadTensor(Parameter + name);
            using Tensor first = file.ReadTensor(First + name);
            using Tensor second = file.ReadTensor(Second + name);
            p.copy_(stored);
            optimizer.First[name].copy_(first);
            optimizer.Second[name].copy_(second);
        }

        optimizer.StepCount = step;
    }
}
