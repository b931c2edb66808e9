using Harness.Load;

namespace Harness.Tests.Harness.Load;

public sealed class SweepRatesTests
{
    [Fact]
    public void RatesAreEvenlySpacedStrictlyBetweenSingleStreamAndSaturation()
    {
        Assert.Equal([1.5, 2.0, 2.5], SweepRates.Between(1.0, 3.0, 3));
    }

    [Fact]
    public void SaturationBelowSingleStreamIsTreatedAsTheSameRange()
    {
        Assert.Equal([1.5, 2.0, 2.5], SweepRates.Between(3.0, 1.0, 3));
    }

    [Theory]
    [InlineData(0, 2, 3)]
    [InlineData(1, double.NaN, 3)]
    [InlineData(1, 2, 0)]
    public void NoRatesWithoutAMeasuredRangeOrSteps(double single, double saturated, int steps)
    {
        Assert.Empty(SweepRates.Between(single, saturated, steps));
    }
}
