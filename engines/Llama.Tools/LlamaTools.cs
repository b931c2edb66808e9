using System.CommandLine;
using Harness.Engines.Llama.Tools.Commands;

namespace Harness.Engines.Llama.Tools;

/// <summary>
/// The Llama engine's own tools as CLI commands: its runtime benchmark, quantisation to a saved model, training and
/// distillation. They drive the engine's model directly rather than through the contract, so they live beside the
/// engine and the measuring core only lists them.
/// </summary>
public static class LlamaTools
{
    public static IReadOnlyList<Command> Commands() =>
        [BenchCommand.Create(), TensorParallelBenchCommand.Create(), QuantizeCommand.Create(), TrainCommand.Create(), DistillCommand.Create()];
}
