namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// The work of one <see cref="KernelThreadPool.ParallelFor{TBody}"/> call. Implemented by small unmanaged structs that
/// hold pointers and sizes, so that dispatching a kernel allocates nothing and the JIT specialises the call per body.
/// </summary>
public interface IKernelBody
{
    /// <summary>Processes items [start, end); worker is in [0, WorkerCount) and indexes per-worker scratch.</summary>
    void Execute(int start, int end, int worker);
}
