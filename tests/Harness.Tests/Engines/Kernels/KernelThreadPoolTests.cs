using Harness.Engines.Llama.Kernels;

namespace Harness.Tests.Engines.Kernels;

public sealed unsafe class KernelThreadPoolTests
{
    [Theory]
    [InlineData(1, 100, 16)]
    [InlineData(2, 100, 16)]
    [InlineData(2, 1, 16)]
    [InlineData(2, 17, 1)]
    [InlineData(3, 1000, 7)]
    [InlineData(4, 5, 1)]
    public void Covers_every_index_once_in_aligned_contiguous_chunks(int workers, int count, int alignment)
    {
        using var pool = new KernelThreadPool(workers);
        int[] hits = new int[count];
        int[] chunkStarts = new int[workers];
        int[] chunkEnds = new int[workers];
        fixed (int* h = hits)
        fixed (int* s = chunkStarts)
        fixed (int* e = chunkEnds)
        {
            for (int w = 0; w < workers; w++)
            {
                s[w] = -1;
            }

            pool.ParallelFor(count, alignment, new RecordBody(h, s, e));
        }

        Assert.All(hits, hit => Assert.Equal(1, hit));
        for (int w = 0; w < workers; w++)
        {
            if (chunkStarts[w] >= 0)
            {
                Assert.Equal(0, chunkStarts[w] % alignment);
                Assert.True(chunkEnds[w] == count || chunkEnds[w] % alignment == 0);
            }
        }
    }

    [Fact]
    public void Many_back_to_back_calls_complete_and_sum_correctly()
    {
        using var pool = new KernelThreadPool(2, spinMicroseconds: 5);
        long* total = stackalloc long[1];
        for (int call = 0; call < 3000; call++)
        {
            *total = 0;
            pool.ParallelFor(64 + (call % 50), 4, new SumBody(total));
            int n = 64 + (call % 50);
            Assert.Equal((long)n * (n - 1) / 2, *total);

            if (call % 1000 == 999)
            {
                // Lets the workers fall asleep so the blocking wake-up path is exercised too.
                Thread.Sleep(5);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Exceptions_from_any_worker_reach_the_caller(int workers)
    {
        using var pool = new KernelThreadPool(workers);
        for (int failing = 0; failing < workers; failing++)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => pool.ParallelFor(64, 16, new ThrowBody(failing)));
            Assert.Equal("worker failed", ex.Message);
        }

        long* total = stackalloc long[1];
        pool.ParallelFor(10, 1, new SumBody(total));
        Assert.Equal(45, *total);
    }

    [Fact]
    public void Default_worker_count_is_the_processor_count_and_dispose_is_idempotent()
    {
        var pool = new KernelThreadPool();
        Assert.Equal(Environment.ProcessorCount, pool.WorkerCount);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.ParallelFor(4, 1, new ThrowBody(-1)));
    }

    private readonly struct RecordBody(int* hits, int* starts, int* ends) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            starts[worker] = start;
            ends[worker] = end;
            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref hits[i]);
            }
        }
    }

    private readonly struct SumBody(long* total) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            long s = 0;
            for (int i = start; i < end; i++)
            {
                s += i;
            }

            Interlocked.Add(ref *total, s);
        }
    }

    private readonly struct ThrowBody(int failingWorker) : IKernelBody
    {
        public void Execute(int start, int end, int worker)
        {
            if (worker == failingWorker)
            {
                throw new InvalidOperationException("worker failed");
            }
        }
    }
}
