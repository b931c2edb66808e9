namespace Harness.Statistics;

/// <summary>
/// Wilson score interval of a proportion k/n over independent trials. Unlike the normal (Wald) interval it stays
/// inside [0, 1] and does not collapse to a point at 0 or n successes, which matters here: a variant that agrees on
/// 8 of 8 items has not shown that it always agrees.
/// </summary>
internal static class WilsonInterval
{
    public static ConfidenceInterval For(int successes, int trials, double confidence = 0.95)
    {
        if (trials < 1 || successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), $"need 0 <= successes <= trials and trials >= 1, got {successes}/{trials}");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), "confidence must be in (0, 1)");
        }

        double z = NormalQuantile(1 - (1 - confidence) / 2);
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;

        // At 0 or n successes the formula's end is exactly 0 or 1; rounding must not push it past.
        double low = successes == 0 ? 0 : Math.Max(0, centre - half);
        double high = successes == trials ? 1 : Math.Min(1, centre + half);
        return new ConfidenceInterval(low, high, confidence);
    }

    /// <summary>
    /// Inverse of the standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9; ample for
    /// an interval's z).
    /// </summary>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), "p must be in (0, 1)");
        }

        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double Low = 0.02425;
        if (p < Low || p > 1 - Low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p < Low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < Low ? x : -x;
        }

        double r = p - 0.5;
        double s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
