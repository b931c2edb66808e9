using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Harness.Engines.Statistics;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// A STREAM-like probe of the DRAM bandwidth the kernels can reach with a given pool, so GEMV throughput can be
/// reported as a fraction of the machine's roofline. Arrays must be far larger than the last-level cache (the
/// default 3 × 256 MiB) or the numbers measure cache, not DRAM.
/// </summary>
public static unsafe class MemoryBandwidthProbe
{
    public const long DefaultArrayBytes = 256L << 20;

    // Chunks start on 4 KiB page boundaries so workers never share a page or a cache line.
    private const int ElementAlignment = 1024;

    /// <param name="arrayBytes">Size of each of the three arrays.</param>
    /// <param name="repetitions">Timed runs per kernel after one untimed warm-up; best and median are reported.</param>
    public static MemoryBandwidth Measure(KernelThreadPool pool, long arrayBytes = DefaultArrayBytes, int repetitions = 5)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        long longCount = arrayBytes / sizeof(float);
        ArgumentOutOfRangeException.ThrowIfLessThan(longCount, 1, nameof(arrayBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(longCount, int.MaxValue, nameof(arrayBytes));
        int n = (int)longCount;
        nuint bytes = (nuint)n * sizeof(float);

        float* a = null, b = null, c = null;
        try
        {
            a = (float*)NativeMemory.AlignedAlloc(bytes, 64);
            b = (float*)NativeMemory.AlignedAlloc(bytes, 64);
            c = (float*)NativeMemory.AlignedAlloc(bytes, 64);

            // Filled by the pool so each page is first touched (and placed) by the thread that later streams it.
            pool.ParallelFor(n, ElementAlignment, new FillBody(a, 0f));
            pool.ParallelFor(n, ElementAlignment, new FillBody(b, 1f));
            pool.ParallelFor(n, ElementAlignment, new FillBody(c, 2f));

            double[] triad = new double[repetitions];
            double[] read = new double[repetitions];
            Triad(pool, a, b, c, n, 3f);
            Sum(pool, a, n);
            for (int r = 0; r < repetitions; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Triad(pool, a, b, c, n, 3f);
                triad[r] = 3.0 * sizeof(float) * n / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;

                t0 = Stopwatch.GetTimestamp();
                Sum(pool, b, n);
                read[r] = 1.0 * sizeof(float) * n / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
            }

            Array.Sort(triad);
            Array.Sort(read);
            return new MemoryBandwidth(
                triad[^1], Percentile.Median(triad), read[^1], Percentile.Median(read), (long)bytes, pool.WorkerCount, repetitions);
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    /// <summary>a[i] = b[i] + s · c[i] for i in [0, n).</summary>
    internal static void Triad(KernelThreadPool pool, float* a, float* b, float* c, int n, float s)
        => pool.ParallelFor(n, ElementAlignment, new TriadBody(a, b, c, s));

    /// <summary>Σ x[i], each worker's partial summed in float then combined in double.</summary>
    internal static double Sum(KernelThreadPool pool, float* x, int n)
    {
        const int Stride = 8;
        double* partials = stackalloc double[pool.WorkerCount * Stride];
        new Span<double>(partials, pool.WorkerCount * Stride).Clear();
        pool.ParallelFor(n, ElementAlignment, new SumBody(x, partials, Stride));
        double total = 0;
        for (int w = 0; w < pool.WorkerCount; w++)
        {
            total += partials[w * Stride];
        }

        return total;
    }

    private readonly struct FillBody(float* x, float value) : IKernelBody
    {
        public void Execute(int start, int end, int worker) => new Span<float>(x + start, end - start).Fill(value);
    }

    private readonly struct TriadBody(float* a, float* b, float* c, float s) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            int i = start;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> vs = Vector512.Create(s);
                for (; i <= end - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Vector512.FusedMultiplyAdd(vs, Vector512.Load(c + i), Vector512.Load(b + i)).Store(a + i);
                }
            }
            else if (Vector.IsHardwareAccelerated)
            {
                Vector<float> vs = new(s);
                for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector.FusedMultiplyAdd(vs, Vector.Load(c + i), Vector.Load(b + i)).Store(a + i);
                }
            }

            for (; i < end; i++)
            {
                a[i] = b[i] + (s * c[i]);
            }
        }
    }

    private readonly struct SumBody(float* x, double* partials, int stride) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            int i = start;
            float s = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (; i <= end - (4 * Vector512<float>.Count); i += 4 * Vector512<float>.Count)
                {
                    s0 += Vector512.Load(x + i);
                    s1 += Vector512.Load(x + i + Vector512<float>.Count);
                    s2 += Vector512.Load(x + i + (2 * Vector512<float>.Count));
                    s3 += Vector512.Load(x + i + (3 * Vector512<float>.Count));
                }

                s = Vector512.Sum((s0 + s1) + (s2 + s3));
            }
            else if (Vector.IsHardwareAccelerated)
            {
                Vector<float> s0 = default, s1 = default;
                for (; i <= end - (2 * Vector<float>.Count); i += 2 * Vector<float>.Count)
                {
                    s0 += Vector.Load(x + i);
                    s1 += Vector.Load(x + i + Vector<float>.Count);
                }

                s = Vector.Sum(s0 + s1);
            }

            for (; i < end; i++)
            {
                s += x[i];
            }

            partials[worker * stride] = s;
        }
    }
}
