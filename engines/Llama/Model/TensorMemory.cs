using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// The native address of a CPU tensor's data, for the kernels that read and write libtorch's own buffers. Valid while
/// the tensor lives and is not reallocated (the model and caches own theirs for their lifetime).
/// </summary>
internal static unsafe class TensorMemory
{
    public static byte* Bytes(Tensor t) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    public static float* Floats(Tensor t) => (float*)Bytes(t);
}
