using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// Persistent worker threads for the decode kernels. The caller takes part as worker 0 and every call splits a range
/// into one contiguous chunk per worker, because a GEMV streams its rows from DRAM and contiguous chunks keep each
/// thread's hardware prefetcher on one sequential stream. Workers spin for a short while after a job (decode issues
/// kernels back to back with a few microseconds of single-threaded work between them) and then block, so an idle
/// engine does not burn cores on a shared machine. Not re-entrant: one <see cref="ParallelFor{TBody}"/> at a time.
/// </summary>
public sealed unsafe class KernelThreadPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly long _spinTicks;
    private readonly object _startGate = new();
    private readonly object _doneGate = new();

    // The job: a type-erased pointer to the caller's body struct (alive on the caller's stack until all workers
    // finish, because ParallelFor blocks) and the specialised trampoline that calls it.
    private delegate*<void*, int, int, int, void> _invoke;
    private void* _body;
    private int _count;
    private int _alignment;

    private int _generation;
    private int _pending;
    private int _sleepingWorkers;
    private int _callerSleeping;
    private int _busy;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <param name="workerCount">Threads taking part, the caller included; 1 runs every call inline.</param>
    /// <param name="spinMicroseconds">How long an idle thread polls for the next job before it blocks.</param>
    public KernelThreadPool(int workerCount = 0, int spinMicroseconds = 50)
    {
        if (workerCount <= 0)
        {
            workerCount = Environment.ProcessorCount;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(spinMicroseconds);
        WorkerCount = workerCount;
        _spinTicks = spinMicroseconds * Stopwatch.Frequency / 1_000_000;
        _threads = new Thread[workerCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = $"kernel-worker-{worker}",
            };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that take part in a call, the caller included.</summary>
    public int WorkerCount { get; }

    /// <summary>
    /// Runs <paramref name="body"/> over [0, count), one contiguous chunk per worker. Chunk boundaries fall on
    /// multiples of <paramref name="alignment"/> (except the end of the range), so a kernel that handles rows in
    /// groups sees whole groups. Blocks until every chunk is done; the first exception thrown by any chunk is
    /// rethrown here.
    /// </summary>
    public void ParallelFor<TBody>(int count, int alignment, TBody body)
        where TBody : unmanaged, IKernelBody
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alignment);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count == 0)
        {
            return;
        }

        if (_threads.Length == 0 || count <= alignment)
        {
            body.Execute(0, count, 0);
            return;
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("KernelThreadPool.ParallelFor is not re-entrant and takes one caller at a time.");
        }

        try
        {
            _invoke = &Invoke<TBody>;
            _body = &body;
            _count = count;
            _alignment = alignment;
            _failure = null;
            Volatile.Write(ref _pending, _threads.Length);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleepingWorkers) > 0)
            {
                lock (_startGate)
                {
                    Monitor.PulseAll(_startGate);
                }
            }

            try
            {
                RunChunk(0);
            }
            finally
            {
                // Workers still read the body from this stack frame, so never leave before they finish.
                WaitForWorkers();
                _body = null;
            }

            _failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Interlocked.Increment(ref _generation);
        lock (_startGate)
        {
            Monitor.PulseAll(_startGate);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }

    private static void Invoke<TBody>(void* body, int start, int end, int worker)
        where TBody : unmanaged, IKernelBody
        => Unsafe.AsRef<TBody>(body).Execute(start, end, worker);

    private void RunChunk(int worker)
    {
        int units = (_count + _alignment - 1) / _alignment;
        int workers = WorkerCount;
        int firstUnit = (int)((long)units * worker / workers);
        int endUnit = (int)((long)units * (worker + 1) / workers);
        int start = firstUnit * _alignment;
        int end = Math.Min(endUnit * _alignment, _count);
        if (start < end)
        {
            _invoke(_body, start, end, worker);
        }
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForJob(seen);
            if (_disposed)
            {
                return;
            }

            try
            {
                RunChunk(worker);
            }
#pragma warning disable CA1031 // Any failure belongs to the caller, which rethrows it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
            }

            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerSleeping) != 0)
            {
                lock (_doneGate)
                {
                    Monitor.PulseAll(_doneGate);
                }
            }
        }
    }

    private int WaitForJob(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        int polls = 0;
        while (Volatile.Read(ref _generation) == seen)
        {
            if ((++polls & 63) != 0 || Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(8);
                continue;
            }

            lock (_startGate)
            {
                // Announce the sleep before re-checking (both are full fences), so a dispatcher that bumps the
                // generation either is seen here or sees the sleeper and pulses.
                Interlocked.Increment(ref _sleepingWorkers);
                while (Volatile.Read(ref _generation) == seen)
                {
                    Monitor.Wait(_startGate);
                }

                Interlocked.Decrement(ref _sleepingWorkers);
            }
        }

        return Volatile.Read(ref _generation);
    }

    private void WaitForWorkers()
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        int polls = 0;
        while (Volatile.Read(ref _pending) != 0)
        {
            if ((++polls & 63) != 0 || Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(8);
                continue;
            }

            lock (_doneGate)
            {
                Interlocked.Exchange(ref _callerSleeping, 1);
                while (Volatile.Read(ref _pending) != 0)
                {
                    Monitor.Wait(_doneGate);
                }

                Interlocked.Exchange(ref _callerSleeping, 0);
            }
        }
    }
}
