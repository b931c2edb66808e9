using static TorchSharp.torch;

namespace Harness.Engines.Llama.Checkpoints;

/// <summary>One tensor's header record in a safetensors file.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Begin">Start offset in the data section (after the header), in bytes.</param>
/// <param name="End">End offset (exclusive) in the data section, in bytes.</param>
public sealed record SafetensorsEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
