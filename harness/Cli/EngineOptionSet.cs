using System.CommandLine;
using Harness.Engines;

namespace Harness.Cli;

/// <summary>The engine options shared by commands that build an engine from the command line.</summary>
internal sealed class EngineOptionSet
{
    public Option<string> Model { get; } = new("--model", "-m")
    {
        Description = "Model spec: default (the embedded model), hf:DIR, llama2c:FILE or preset:NAME (see `list`).",
        Required = true,
    };

    public Option<string> Attention { get; } = new("--attention")
    {
        Description = "Attention implementation: fused or unfused.",
        DefaultValueFactory = _ => "fused",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Compute threads (0 = one per core).",
        DefaultValueFactory = _ => 0,
    };

    public Option<int> MaxContext { get; } = new("--max-context")
    {
        Description = "KV cache length per sequence (0 = the model's limit, capped at 8192).",
        DefaultValueFactory = _ => 0,
    };

    public Option<string> Decode { get; } = new("--decode")
    {
        Description = "Decode implementation: kernels (the project's SIMD kernels, CPU) or torch (libtorch ops).",
        DefaultValueFactory = _ => "kernels",
    };

    public Option<int> TensorParallel { get; } = new("--tp")
    {
        Description = "Tensor-parallel ranks (each a worker with its own weight shard and share of the cores).",
        DefaultValueFactory = _ => 1,
    };

    public Option<string?> Prefill { get; } = new("--prefill")
    {
        Description = "Prefill implementation: torch (libtorch, the default at --tp 1) or kernels (the split decoder's, the default above).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Attention);
        command.Options.Add(Threads);
        command.Options.Add(MaxContext);
        command.Options.Add(Decode);
        command.Options.Add(TensorParallel);
        command.Options.Add(Prefill);
    }

    public EngineOptions Bind(ParseResult parse, string precision)
    {
        var extra = new Dictionary<string, string> { ["decode"] = parse.GetValue(Decode)! };
        if (parse.GetValue(Prefill) is { } prefill)
        {
            extra["prefill"] = prefill;
        }

        return new(
            Precision: precision,
            Attention: parse.GetValue(Attention)!,
            TensorParallel: parse.GetValue(TensorParallel),
            Threads: parse.GetValue(Threads),
            MaxContext: parse.GetValue(MaxContext),
            Extra: extra);
    }
}
