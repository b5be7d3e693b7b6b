using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// Outcome: what the lead's deals (and its industry's) say about closing. A lead with few deals is shrunk
/// toward the portal's prior: with n closed deals its own record carries n / (n + priorStrength) of the weight.
/// </summary>
public static class OutcomeComponent
{
    public const double WinRateWeight = 0.40;
    public const double DealSizeWeight = 0.25;
    public const double SalesCycleWeight = 0.15;
    public const double IndustryWeight = 0.20;

    /// <summary>Outcome's prior is "performs like the portal average", which every factor maps to 50.</summary>
    public const double PortalAverage = 50;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ComponentScore Score(LeadFeatures lead, ScoringProfile profile)
    {
        var outcome = profile.Outcome;
        ScoreFactor[] factors =
        [
            WinRate(lead.DealsWon, lead.DealsLost, outcome),
            DealSize(lead.AverageWonAmount, lead.DealsWon, outcome),
            SalesCycle(lead.MedianSalesCycleDays, Closed(lead), outcome),
            Industry(lead.IndustryWinRate, outcome),
        ];
        return ComponentScore.Combine(ScoreComponent.Outcome, factors, PortalAverage);
    }

    private static int? Closed(LeadFeatures lead) =>
        lead.DealsWon is null && lead.DealsLost is null ? null : (lead.DealsWon ?? 0) + (lead.DealsLost ?? 0);

    private static double Evidence(int observations, OutcomeProfile outcome) =>
        observations <= 0 ? 0 : observations / (observations + outcome.PriorStrength);

    private static ScoreFactor WinRate(int? won, int? lost, OutcomeProfile outcome)
    {
        const string Name = "winRate";
        if (won is not { } w || lost is not { } l)
        {
            // A rate needs both counts: "1 won, losses unknown" is not a 100% win rate.
            return ScoreFactor.Missing(Name, WinRateWeight, won is null && lost is null ? "Deal history unknown" : "Win rate unknown: needs both won and lost deal counts");
        }

        var closed = w + l;
        if (closed == 0)
        {
            return new(Name, WinRateWeight, PortalAverage, 0,
                string.Create(Inv, $"No closed deals yet: assumed the portal's {outcome.PortalWinRate:0%} win rate"));
        }

        var rate = (double)w / closed;
        return new(Name, WinRateWeight, Curves.RateVersusPrior(rate, outcome.PortalWinRate), Evidence(closed, outcome),
            string.Create(Inv, $"Won {w} of {closed} closed deal{(closed == 1 ? "" : "s")} ({rate:0%}; portal {outcome.PortalWinRate:0%})"));
    }

    private static ScoreFactor DealSize(double? averageWon, int? won, OutcomeProfile outcome)
    {
        const string Name = "dealSize";
        if (averageWon is not { } amount || won is not > 0)
        {
            return ScoreFactor.Missing(Name, DealSizeWeight, "No won deal amounts yet");
        }

        var ratio = amount / outcome.TargetDealSize;
        var text = ratio >= 1
            ? string.Create(Inv, $"Won deals average {new Compact(amount)}, {ratio:0.#}× your typical {new Compact(outcome.TargetDealSize)}")
            : string.Create(Inv, $"Won deals average {new Compact(amount)}, below your typical {new Compact(outcome.TargetDealSize)}");
        return new(Name, DealSizeWeight, Curves.LogRatio(ratio), Evidence(won.Value, outcome), text);
    }

    private static ScoreFactor SalesCycle(double? medianDays, int? closed, OutcomeProfile outcome)
    {
        const string Name = "salesCycle";
        if (medianDays is not { } days || closed is not > 0)
        {
            return ScoreFactor.Missing(Name, SalesCycleWeight, "Sales cycle unknown");
        }

        // Shorter is better: typical / actual, so half the usual cycle earns +25.
        var ratio = outcome.TypicalSalesCycleDays / Math.Max(days, 1);
        var text = days <= outcome.TypicalSalesCycleDays
            ? string.Create(Inv, $"Deals close in {days:0} days, faster than your typical {outcome.TypicalSalesCycleDays:0}")
            : string.Create(Inv, $"Deals take {days:0} days, slower than your typical {outcome.TypicalSalesCycleDays:0}");
        return new(Name, SalesCycleWeight, Curves.LogRatio(ratio), Evidence(closed.Value, outcome), text);
    }

    private static ScoreFactor Industry(double? industryWinRate, OutcomeProfile outcome)
    {
        const string Name = "industryWinRate";
        if (industryWinRate is not { } rate)
        {
            return ScoreFactor.Missing(Name, IndustryWeight, "Industry win rate unknown");
        }

        var text = rate >= outcome.PortalWinRate
            ? string.Create(Inv, $"Its industry wins {rate:0%} of deals, above the portal's {outcome.PortalWinRate:0%}")
            : string.Create(Inv, $"Its industry wins {rate:0%} of deals, below the portal's {outcome.PortalWinRate:0%}");
        return new(Name, IndustryWeight, Curves.RateVersusPrior(rate, outcome.PortalWinRate), 1, text);
    }
}
