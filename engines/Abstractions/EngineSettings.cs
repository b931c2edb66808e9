using Harness.Engines.Options;

namespace Harness.Engines;

/// <summary>One variant's options after its engine validated them: the parsed values and the engine's own typed record.</summary>
/// <param name="Engine">The factory that validated them, and the only one that can build from them.</param>
/// <param name="Values">Every option with its value or default (for reports).</param>
/// <param name="Typed">The engine's options record; only its factory reads it.</param>
public sealed record EngineSettings(string Engine, OptionValues Values, object Typed);
