namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// A row-major [Rows, Cols] weight matrix in native memory, as a Linear layer stores it (out_features x in_features),
/// so y = W x reads each row once and contiguously. The memory is owned elsewhere and must outlive every kernel call.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    /// <param name="data">First element of row 0.</param>
    /// <param name="rowStride">Elements (not bytes) between row starts; 0 means Cols (dense).</param>
    public WeightMatrix(void* data, int rows, int cols, WeightFormat format, int rowStride = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (rowStride == 0)
        {
            rowStride = cols;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rowStride, cols);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format");
        }

        Data = data;
        Rows = rows;
        Cols = cols;
        Format = format;
        RowStride = rowStride;
    }

    public void* Data { get; }

    public int Rows { get; }

    public int Cols { get; }

    public WeightFormat Format { get; }

    /// <summary>Elements between the starts of consecutive rows.</summary>
    public int RowStride { get; }

    public int BytesPerElement => Format switch
    {
        WeightFormat.F32 => sizeof(float),
        WeightFormat.BF16 => sizeof(ushort),
        _ => throw new InvalidOperationException($"unknown weight format {Format}"),
    };

    /// <summary>Bytes a kernel streams to read the whole matrix once.</summary>
    public long DataBytes => (long)Rows * Cols * BytesPerElement;

    /// <summary>Address of the first element of <paramref name="row"/>.</summary>
    public byte* RowPointer(int row) => (byte*)Data + ((long)row * RowStride * BytesPerElement);
}
