namespace Harness.Engines.Llama.Kernels;

/// <summary>
/// A row-major [Rows, Cols] weight matrix in native memory, as a Linear layer stores it (out_features x in_features),
/// so y = W x reads each row once and contiguously. The memory is owned elsewhere and must outlive every kernel call.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    /// <param name="data">First element of row 0.</param>
    /// <param name="rowStride">Elements (not bytes) between row starts; 0 means Cols (dense).</param>
    /// <param name="rowScales">[rows] dequantisation scales; required for <see cref="WeightFormat.Int8"/>, else null.</param>
    /// <param name="groupSize">Int4: columns per scale group (32, 64 or 128); else 0.</param>
    public WeightMatrix(void* data, int rows, int cols, WeightFormat format, int rowStride = 0, float* rowScales = null, int groupSize = 0)
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

        if ((format == WeightFormat.Int8) != (rowScales != null))
        {
            throw new ArgumentException("row scales go with the int8 format, and only with it", nameof(rowScales));
        }

        if ((format == WeightFormat.Int4) != (groupSize != 0) || (groupSize != 0 && !Int4Layout.IsSupportedGroup(groupSize)))
        {
            throw new ArgumentException($"int4 needs a group size of 32, 64 or 128 (got {groupSize}); other formats take none", nameof(groupSize));
        }

        if (format == WeightFormat.Int4 && rowStride != cols)
        {
            throw new ArgumentException("int4 rows are packed densely", nameof(rowStride));
        }

        Data = data;
        RowScales = rowScales;
        GroupSize = groupSize;
        Rows = rows;
        Cols = cols;
        Format = format;
        RowStride = rowStride;
    }

    public void* Data { get; }

    /// <summary>Int8: the scale of each row (w = q · scale); null for float formats.</summary>
    public float* RowScales { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Int4: columns per scale group; 0 for other formats.</summary>
    public int GroupSize { get; }

    public WeightFormat Format { get; }

    /// <summary>Elements between the starts of consecutive rows.</summary>
    public int RowStride { get; }

    /// <summary>Bytes from one row's start to the next (int4: packed groups with their scales).</summary>
    public long RowBytes => Format switch
    {
        WeightFormat.F32 => (long)RowStride * sizeof(float),
        WeightFormat.BF16 or WeightFormat.F16 => (long)RowStride * sizeof(ushort),
        WeightFormat.Int8 => RowStride,
        WeightFormat.Int4 => Int4Layout.RowBytes(Cols, GroupSize),
        _ => throw new InvalidOperationException($"unknown weight format {Format}"),
    };

    /// <summary>Bytes a kernel streams to read the whole matrix once.</summary>
    public long DataBytes => (Rows * RowBytes) + (RowScales == null ? 0 : (long)Rows * sizeof(float));

    /// <summary>Address of the first element of <paramref name="row"/>.</summary>
    public byte* RowPointer(int row) => (byte*)Data + (row * RowBytes);
}
