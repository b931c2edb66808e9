using System.Diagnostics;
using System.Numerics;

namespace Harness.Engines.Llama.Parallel;

/// <summary>
/// Collectives among the ranks of one tensor-parallel decoder, over shared host memory (the CPU's interconnect): a
/// barrier, the all-reduce after each row-parallel product, and the exchange of embedding rows. Each rank keeps its own
/// copy of the residual stream and publishes only its partial sums, as ranks on separate devices would; after the
/// barrier every rank adds all partials in rank order, so every copy gets the same bits. Partials alternate between two
/// buffers per rank: a rank can write its next partial only after passing the next barrier, which every rank reaches
/// only after reading the previous one, so no second barrier is needed.
/// </summary>
internal sealed unsafe class RankGroup
{
    private readonly float[][] partials;
    private readonly float[][] maxima;
    private int arrived;
    private int generation;
    private volatile bool failed;

    /// <param name="size">Ranks (at least 2).</param>
    /// <param name="rows">Most rows of one pass.</param>
    /// <param name="hidden">Hidden size: an all-reduce carries rows × hidden floats.</param>
    public RankGroup(int size, int rows, int hidden)
    {
        int floats = rows * hidden;
        Size = size;
        partials = new float[2 * size][];
        for (int i = 0; i < partials.Length; i++)
        {
            partials[i] = GC.AllocateArray<float>(floats, pinned: true);
        }

        Exchange = GC.AllocateArray<float>(floats, pinned: true);
        maxima = new float[2 * size][];
        for (int i = 0; i < maxima.Length; i++)
        {
            maxima[i] = new float[rows];
        }
    }

    public int Size { get; }

    /// <summary>[rows, d]: each embedding row written by the rank that holds its vocabulary row, then read by all.</summary>
    public float[] Exchange { get; }

    /// <summary>Clears the state a failed pass may have left (call between passes, with no rank running).</summary>
    public void Reset()
    {
        arrived = 0;
        failed = false;
    }

    /// <summary>Releases every rank waiting in a collective: a rank failed and the others must not wait for it.</summary>
    public void Fail() => failed = true;

    /// <summary>The buffer rank <paramref name="rank"/> writes its partial product to, for collective parity 0 or 1.</summary>
    public float* Partial(int rank, int parity) => (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref partials[(2 * rank) + parity][0]);

    /// <summary>x[0..count) += Σ over ranks of their partial (parity) buffers, once all ranks have written theirs.</summary>
    public void AllReduceAdd(int parity, float* x, int count, ref RankClock clock)
    {
        Wait(ref clock);
        long t0 = Stopwatch.GetTimestamp();
        int width = Vector<float>.Count, i = 0;
        float* first = Partial(0, parity);
        for (; i <= count - width; i += width)
        {
            Vector<float> sum = Vector.Load(first + i);
            for (int r = 1; r < Size; r++)
            {
                sum += Vector.Load(Partial(r, parity) + i);
            }

            (Vector.Load(x + i) + sum).Store(x + i);
        }

        for (; i < count; i++)
        {
            float sum = first[i];
            for (int r = 1; r < Size; r++)
            {
                sum += Partial(r, parity)[i];
            }

            x[i] += sum;
        }

        clock.Communication += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>
    /// values[j] = max over ranks of each rank's values[j] (per-row maxima of the activations a row-parallel product
    /// quantises, so every rank scales its columns as the unsplit model scales the whole row). Uses buffers of its own
    /// with the same parity rule as <see cref="AllReduceAdd"/>.
    /// </summary>
    public void AllReduceMax(int rank, int parity, Span<float> values, ref RankClock clock)
    {
        values.CopyTo(maxima[(2 * rank) + parity]);
        Wait(ref clock);
        long t0 = Stopwatch.GetTimestamp();
        for (int r = 0; r < Size; r++)
        {
            float[] other = maxima[(2 * r) + parity];
            for (int j = 0; j < values.Length; j++)
            {
                values[j] = Math.Max(values[j], other[j]);
            }
        }

        clock.Communication += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>Copies the first <paramref name="count"/> floats of <see cref="Exchange"/> to x once every rank has written its rows.</summary>
    public void ReadExchange(float* x, int count, ref RankClock clock)
    {
        Wait(ref clock);
        long t0 = Stopwatch.GetTimestamp();
        new ReadOnlySpan<float>(Exchange, 0, count).CopyTo(new Span<float>(x, count));
        clock.Communication += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>
    /// Blocks until every rank has arrived (a sense-reversing barrier). Waiting spins and yields but never sleeps: a
    /// collective comes every few hundred microseconds, and ranks sharing cores must hand them over at once.
    /// </summary>
    public void Wait(ref RankClock clock)
    {
        long t0 = Stopwatch.GetTimestamp();
        int seen = Volatile.Read(ref generation);
        if (Interlocked.Increment(ref arrived) == Size)
        {
            Volatile.Write(ref arrived, 0);
            Interlocked.Increment(ref generation);
        }
        else
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref generation) == seen)
            {
                if (failed)
                {
                    throw new OperationCanceledException("another tensor-parallel rank failed");
                }

                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        clock.Idle += Stopwatch.GetTimestamp() - t0;
    }
}
