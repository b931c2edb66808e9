using System.Globalization;
using Harness.Accuracy;
using Harness.Engines;
using Harness.Engines.Statistics;
using Harness.Load;
using Harness.Metrics;
using Harness.Results;
using Harness.Scenarios;
using Harness.Statistics;
using Harness.Workloads;

namespace Harness.Runner;

/// <summary>
/// Runs a scenario: for each engine variant, build the engine, send warm-up requests, then the measured workload under
/// the scenario's load (every repetition), summarise, and dispose the engine before the next variant so variants never
/// share memory or threads. A sweep runs several load points per variant instead of one.
/// </summary>
internal sealed class ScenarioRunner
{
    private readonly Scenario _scenario;
    private readonly ScenarioRunnerOptions _options;
    private readonly Slo? _slo;

    public ScenarioRunner(Scenario scenario, ScenarioRunnerOptions? options = null)
    {
        _scenario = scenario ?? throw new ArgumentNullException(nameof(scenario));
        _options = options ?? new ScenarioRunnerOptions();
        SloSpec s = scenario.Slo;
        _slo = s.TtftMs is null && s.TpotMs is null && s.E2eMs is null ? null : new Slo(s.TtftMs, s.TpotMs, s.E2eMs);
    }

    /// <summary>
    /// Runs every variant. Bad input (options, workload, trace) throws <see cref="HarnessInputException"/> before any
    /// engine is built; a variant whose engine cannot be built gets <see cref="VariantResult.Error"/> and the run goes
    /// on. Cancelling stops sending, cancels in-flight requests and returns what finished with Complete = false.
    /// </summary>
    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset started = DateTimeOffset.Now;

        // Probed before anything runs, so the load average describes the machine rather than this run.
        RunEnvironment environment = _options.Environment ?? RunEnvironmentProbe.Probe();
        EngineRegistry registry = _options.Registry;

        // Every variant's options are parsed by its own engine before anything runs: a misspelt or contradictory option,
        // or an unknown engine, refuses the scenario in one line.
        List<VariantSetup> variants = [.. VariantMatrix.Expand(_scenario.Engine, registry.DefaultEngine).Select(v => Setup(registry, v))];
        AccuracyPlan? accuracyPlan = _scenario.Accuracy is null ? null : AccuracyPlan.Resolve(_scenario, [.. variants.Select(v => v.Variant)]);
        foreach (VariantSetup setup in accuracyPlan is null ? [] : variants)
        {
            // Every variant scores and generates the accuracy sequences, so each must hold them.
            accuracyPlan!.CheckFits($"{_scenario.SourcePath}: variant '{setup.Variant.Name}'", setup.Settings);
        }

        Func<IInferenceEngine>? buildReference = null;
        if (accuracyPlan is { Spec.NeedsReference: true })
        {
            try
            {
                IEngineFactory factory = registry.Get(accuracyPlan.ReferenceEngine);
                EngineSettings settings = factory.Validate(accuracyPlan.ReferenceEngineOptions(factory));
                accuracyPlan.CheckFits($"{_scenario.SourcePath}: accuracy reference", settings);
                string model = new EngineVariant(accuracyPlan.Reference, accuracyPlan.ReferenceEngine, accuracyPlan.ReferenceConfig).ModelOr(_scenario.Model);
                buildReference = () => factory.Create(model, settings);
            }
            catch (EngineException ex)
            {
                throw new HarnessInputException($"accuracy reference '{accuracyPlan.Reference}': {ex.Message}");
            }
        }

        WorkloadPlan plan = WorkloadFactory.Plan(_scenario);

        var state = new RunState(plan);
        state.AddNote(VariantSummary.ExclusionNote);
        foreach (string note in plan.Notes)
        {
            state.AddNote(note);
        }

        if (_options.Quick)
        {
            state.AddNote($"quick mode: at most {QuickScenario.Requests} requests, inputs <= {QuickScenario.MaxInputTokens} and outputs <= {QuickScenario.MaxOutputTokens} tokens, one repetition; not comparable with full runs");
        }

        // The reference outputs come first, once, so every variant is measured against the same ones.
        AccuracySession? accuracy = accuracyPlan is null
            ? null
            : await AccuracySession.StartAsync(accuracyPlan, buildReference ?? (() => throw new InvalidOperationException("no measurement needs the reference")), _options.Progress, cancellationToken).ConfigureAwait(false);
        foreach (VariantSetup setup in variants)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await RunVariantAsync(setup, state, accuracy, cancellationToken).ConfigureAwait(false);
        }

        bool complete = !cancellationToken.IsCancellationRequested;
        if (!complete)
        {
            state.AddNote("interrupted: sending stopped early; in-flight requests were cancelled and count as failed; variants not reached are absent");
        }

        var result = new RunResult(
            RunResult.CurrentSchemaVersion,
            _scenario.Name,
            _scenario.SourcePath,
            _scenario.Description,
            started,
            DateTimeOffset.Now,
            complete,
            _options.Quick,
            _scenario.Seed,
            _scenario.Model,
            state.EngineDescriptions.Count > 0 ? string.Join("; ", state.EngineDescriptions) : string.Join(", ", variants.Select(v => v.Variant.Engine).Distinct()),
            plan.Description,
            DescribeLoad(_scenario.Load),
            _slo,
            environment,
            state.Results,
            MetricDefinitions.All,
            state.Notes,
            accuracy?.Setup());
        return new RunOutcome(result, state.Records, state.Telemetry);
    }

    public static string DescribeLoad(LoadSpec load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return load.Pattern switch
        {
            "offline" => "offline (every request at t=0)",
            "single" => "single stream (one request at a time)",
            "concurrency" => Invariant($"concurrency {load.Concurrency} (closed loop)"),
            "poisson" => Invariant($"poisson(rate={load.Rate}/s)"),
            "gamma" => Invariant($"gamma(rate={load.Rate}/s, burstiness={load.Burstiness})"),
            "trace" => "trace timestamps",
            "sweep" => Invariant($"sweep: single stream, offline, then {load.SweepSteps} poisson rates in between"),
            _ => load.Pattern,
        };
    }

    private VariantSetup Setup(EngineRegistry registry, EngineVariant variant)
    {
        try
        {
            IEngineFactory factory = registry.Get(variant.Engine);
            return new VariantSetup(variant, factory, factory.Validate(variant.EngineOptions));
        }
        catch (EngineException ex)
        {
            throw new HarnessInputException($"{_scenario.SourcePath}: variant '{variant.Name}': {ex.Message}");
        }
    }

    private async Task RunVariantAsync(VariantSetup setup, RunState state, AccuracySession? accuracy, CancellationToken cancellationToken)
    {
        EngineVariant variant = setup.Variant;
        bool sweep = _scenario.Load.Pattern == "sweep";
        bool rssReset = PeakRss.TryReset();
        state.AddNote(rssReset
            ? "peak_rss_bytes: the process's peak resident memory during each variant (reset before each engine build)"
            : "peak_rss_bytes: the process's peak resident memory so far (cumulative over variants; could not be reset here)");

        IInferenceEngine engine;
        try
        {
            // Building loads and converts weights (seconds of CPU); keep it off the caller's thread.
            string model = variant.ModelOr(_scenario.Model);
            engine = await Task.Run(() => setup.Factory.Create(model, setup.Settings), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            string message = $"engine could not be built: {ex.Message.ReplaceLineEndings(" ")}";
            string name = sweep ? variant.Name + "@single" : variant.Name;
            state.Results.Add(VariantResult.Failed(name, variant.Config, sweep ? "single" : DescribeLoad(_scenario.Load), message));
            _options.Progress.Note($"[{variant.Name}] {message}");
            return;
        }

        using (engine)
        {
            string description = $"{variant.Engine} ({engine.Capabilities.Engine} on {engine.Capabilities.Device})";
            if (!state.EngineDescriptions.Contains(description))
            {
                state.EngineDescriptions.Add(description);
            }

            PreparedWorkload workload = WorkloadFactory.Prepare(state.Plan, engine);
            if (workload.Clipped > 0)
            {
                state.AddNote($"workload: {workload.Clipped} of {workload.Measured.Count} requests were clipped to the engine's context of {engine.MaxContextTokens} tokens");
            }

            int firstPoint = state.Results.Count;
            await RunPointsAsync(new VariantRun(this, engine, variant, workload, state, cancellationToken), variant, workload, state, cancellationToken).ConfigureAwait(false);
            if (accuracy is not null && !cancellationToken.IsCancellationRequested)
            {
                await MeasureAccuracyAsync(accuracy, engine, variant, workload, state, firstPoint, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunPointsAsync(VariantRun run, EngineVariant variant, PreparedWorkload workload, RunState state, CancellationToken cancellationToken)
    {
        if (_scenario.Load.Pattern != "sweep")
        {
            await run.PointAsync(variant.Name, DescribeLoad(_scenario.Load), rep => LoadPlan.For(_scenario.Load, state.Plan.Measured, _scenario.Seed, rep), withWarmup: true).ConfigureAwait(false);
            return;
        }

        VariantSummary single = await run.PointAsync(variant.Name + "@single", "single", _ => LoadPlan.Single, withWarmup: true).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        VariantSummary saturated = await run.PointAsync(variant.Name + "@offline", "offline", _ => LoadPlan.Offline, withWarmup: false).ConfigureAwait(false);
        HashSet<string> names = [];
        foreach (double rate in SweepRates.Between(single.RequestsPerS, saturated.RequestsPerS, _scenario.Load.SweepSteps))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            string name = Invariant($"{variant.Name}@{rate:0.###}rps");
            name = names.Add(name) ? name : Invariant($"{name}-{names.Count}");
            names.Add(name);
            int count = workload.Measured.Count;
            await run.PointAsync(name, Invariant($"poisson(rate={rate:0.####}/s)"), rep => LoadPlan.Open(ArrivalSchedule.Poisson(count, rate, LoadPlan.ArrivalSeed(_scenario.Seed, rep))), withWarmup: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Measures the variant's accuracy on its engine after its load points, and attaches it to their results. An
    /// interruption leaves the points without accuracy; a failure leaves a note; neither costs the load results.
    /// </summary>
    private async Task MeasureAccuracyAsync(AccuracySession accuracy, IInferenceEngine engine, EngineVariant variant, PreparedWorkload workload, RunState state, int firstPoint, CancellationToken cancellationToken)
    {
        _options.Progress.Note($"[{variant.Name}] accuracy: measuring against {accuracy.Plan.Reference}");
        List<VariantResult> points = state.Results.GetRange(firstPoint, state.Results.Count - firstPoint);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<VariantResult> measured = await accuracy.MeasureAsync(engine, variant, workload.Measured, _scenario.Repetitions, points, state.Records, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < measured.Count; i++)
            {
                state.Results[firstPoint + i] = measured[i];
                _options.Progress.Note($"[{measured[i].Name}] accuracy: {AccuracyText.Summary(measured[i].Accuracy!)}");
            }

            _options.Progress.Note(Invariant($"[{variant.Name}] accuracy measured in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.AddNote($"accuracy: interrupted while measuring {variant.Name}; its load results are kept without accuracy");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.AddNote($"accuracy: {variant.Name} could not be measured: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>A variant with its engine and the options that engine parsed, ready to build.</summary>
    private sealed record VariantSetup(EngineVariant Variant, IEngineFactory Factory, EngineSettings Settings);

    /// <summary>What the run has gathered so far; only touched between load runs, from one logical thread.</summary>
    private sealed class RunState(WorkloadPlan plan)
    {
        private readonly List<string> _notes = [];

        public WorkloadPlan Plan { get; } = plan;

        public List<VariantResult> Results { get; } = [];

        public List<RequestRecord> Records { get; } = [];

        /// <summary>Per variant (load point), what an engine implementing <see cref="IEngineTelemetry"/> reported.</summary>
        public List<VariantTelemetry> Telemetry { get; } = [];

        public IReadOnlyList<string> Notes => _notes;

        /// <summary>One line per engine built, in the order variants first built it.</summary>
        public List<string> EngineDescriptions { get; } = [];

        public void AddNote(string note)
        {
            if (!_notes.Contains(note))
            {
                _notes.Add(note);
            }
        }
    }

    /// <summary>One variant's engine and workload, run at one or more load points.</summary>
    private sealed class VariantRun(ScenarioRunner owner, IInferenceEngine engine, EngineVariant variant, PreparedWorkload workload, RunState state, CancellationToken cancellationToken)
    {
        public async Task<VariantSummary> PointAsync(string name, string loadPoint, Func<int, LoadPlan> planFor, bool withWarmup)
        {
            Scenario s = owner._scenario;
            IReadOnlyList<PreparedRequest> warmup = withWarmup ? workload.Warmup : [];
            IVariantProgress progress = owner._options.Progress.StartVariant(name, warmup.Count + workload.Measured.Count * s.Repetitions);
            var generator = new LoadGenerator(engine);
            List<RequestRecord> records = [];
            TimeSpan? duration = s.Limits.DurationS is double d ? TimeSpan.FromSeconds(d) : null;

            // Drained before the first load run so the point's telemetry starts with it: what came earlier belongs to
            // the engine's build or to an earlier point, which has its own.
            IEngineTelemetry? telemetry = engine as IEngineTelemetry;
            telemetry?.Drain();
            List<EngineTrace> traces = [];
            List<EngineTrace> measuredTraces = [];

            // Warm-up runs one at a time, so it warms the engine without building a queue in front of the measurement.
            if (warmup.Count > 0)
            {
                LoadRunResult w = await generator.RunAsync(LoadPlan.Single, warmup, new RequestLabel(name, 0, IsWarmup: true), null, progress.RequestDone, cancellationToken).ConfigureAwait(false);
                records.AddRange(w.Records);
                if (telemetry is not null)
                {
                    traces.Add(telemetry.Drain());
                }
            }

            for (int rep = 0; rep < s.Repetitions && !cancellationToken.IsCancellationRequested; rep++)
            {
                LoadRunResult r = await generator.RunAsync(planFor(rep), workload.Measured, new RequestLabel(name, rep, IsWarmup: false), duration, progress.RequestDone, cancellationToken).ConfigureAwait(false);
                records.AddRange(r.Records);
                if (telemetry is not null)
                {
                    EngineTrace trace = telemetry.Drain();
                    traces.Add(trace);
                    measuredTraces.Add(trace);
                }

                if (r.StoppedByDuration)
                {
                    state.AddNote(Invariant($"limits.duration_s: sending stopped after {s.Limits.DurationS} s in {name} repetition {rep}; {r.NotSent} requests were not sent"));
                }
            }

            if (telemetry is not null)
            {
                state.Telemetry.Add(new VariantTelemetry(name, [.. traces.SelectMany(t => t.Events)], [.. traces.SelectMany(t => t.Steps)]));
            }

            VariantSummary summary = VariantSummary.Compute(name, records, owner._slo);
            IReadOnlyList<EarlyStoppingVerdict> verdicts = EarlyStopping.ForVariant(name, records, owner._slo);
            double[] lateness = [.. records.Where(r => !r.IsWarmup).Select(r => RequestMetrics.TicksToMs(r.SentAt - r.ScheduledAt))];
            double latenessP99 = lateness.Length > 0 ? Percentile.NearestRank(lateness, 0.99) : 0;
            KvCacheSummary? kv = KvCacheSummary.Compute(measuredTraces);
            TensorParallelSummary? parallel = TensorParallelSummary.Compute(measuredTraces);
            state.Results.Add(VariantResult.From(name, variant.Config, loadPoint, summary, engine.Memory, latenessP99, verdicts, kv: kv, parallel: parallel));
            state.Records.AddRange(records);
            progress.Finish(Invariant($"{summary.Completed}/{summary.Measured} completed, {summary.Failed} failed; ttft p50 {summary.TtftMs.P50:F0} ms, tpot p50 {summary.TpotMs.P50:F1} ms, {summary.OutputTokensPerS:F1} output tok/s, {summary.RequestsPerS:F2} req/s, send lateness p99 {latenessP99:F1} ms"));
            return summary;
        }
    }
}
