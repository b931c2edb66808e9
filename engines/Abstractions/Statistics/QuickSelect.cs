namespace Harness.Engines.Statistics;

/// <summary>In-place k-th smallest selection (Hoare partition, median-of-three pivot), expected O(n).</summary>
public static class QuickSelect
{
    /// <summary>Returns the k-th smallest (0-based) element; reorders <paramref name="values"/>.</summary>
    public static double Select(Span<double> values, int k)
    {
        if ((uint)k >= (uint)values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(k));
        }

        int left = 0;
        int right = values.Length - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;

            // Median of three, left as the pivot's sentinel ordering.
            if (values[mid] < values[left])
            {
                (values[mid], values[left]) = (values[left], values[mid]);
            }

            if (values[right] < values[left])
            {
                (values[right], values[left]) = (values[left], values[right]);
            }

            if (values[right] < values[mid])
            {
                (values[right], values[mid]) = (values[mid], values[right]);
            }

            double pivot = values[mid];
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }
}
