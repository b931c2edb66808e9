using Harness.Engines.Llama.Kernels;

namespace Harness.Engines.Llama.Model;

/// <summary>
/// How an int4 model is quantised: columns per scale group, how each group's scale is chosen, and whether the
/// embedding and LM head stay int8 per row. Other precisions ignore it, so one scenario matrix can set these once
/// across precisions. A saved model keeps the form it was saved in.
/// </summary>
/// <param name="GroupSize">group_size: 32, 64 or 128 columns per scale.</param>
/// <param name="Rounding">rounding: nearest or min_error (<see cref="Int4Rounding"/>).</param>
/// <param name="Int8Vocabulary">int8_vocabulary: keep the embedding and LM head as int8 per row instead of packing them.</param>
public sealed record Int4Options(int GroupSize = Int4Options.DefaultGroupSize, Int4Rounding Rounding = Int4Rounding.Nearest, bool Int8Vocabulary = false)
{
    /// <summary>32 columns per scale, as llama.cpp's Q4_0 and gpt-fast's int4 examples.</summary>
    public const int DefaultGroupSize = 32;

    public static Int4Options Default { get; } = new();

    /// <summary><c>nearest</c> (or absent) or <c>min_error</c>.</summary>
    public static Int4Rounding ParseRounding(string? text) => text switch
    {
        null or "nearest" => Int4Rounding.Nearest,
        "min_error" => Int4Rounding.MinimumError,
        string other => throw new EngineException($"unknown rounding '{other}' (supported: nearest, min_error)"),
    };
}
