using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>Fit: how closely the lead's company matches the ideal customer profile.</summary>
public static class FitComponent
{
    // Factor weights inside Fit (sum to 1): industry and lifecycle stage say most about fit;
    // size is split between head count and revenue because either is often missing.
    public const double IndustryWeight = 0.30;
    public const double EmployeesWeight = 0.15;
    public const double RevenueWeight = 0.10;
    public const double GeographyWeight = 0.15;
    public const double LeadSourceWeight = 0.10;
    public const double LifecycleWeight = 0.20;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ComponentScore Score(LeadFeatures lead, ScoringProfile profile)
    {
        var fit = profile.Fit;
        ScoreFactor[] factors =
        [
            Industry(lead.Industry, fit),
            Employees(lead.EmployeeCount, fit.Employees),
            Revenue(lead.AnnualRevenue, fit.AnnualRevenue),
            Geography(lead.Country, fit),
            LeadSource(lead.LeadSource, fit),
            Lifecycle(lead.LifecycleStage, fit, profile.UnknownDataScore),
        ];
        return ComponentScore.Combine(ScoreComponent.Fit, factors, profile.UnknownDataScore);
    }

    private static ScoreFactor Industry(string? industry, FitProfile fit)
    {
        if (string.IsNullOrEmpty(industry))
        {
            return ScoreFactor.Missing("industry", IndustryWeight, "Industry unknown");
        }

        var name = Vocabulary.Display(industry);
        if (!Lookup(fit.Industries, industry, out var points))
        {
            return new("industry", IndustryWeight, fit.OtherIndustryScore, 1, string.Create(Inv, $"{name} is outside your target industries"));
        }

        var reason = points switch
        {
            >= 80 => string.Create(Inv, $"{name} is a target industry"),
            >= 50 => string.Create(Inv, $"{name} is an acceptable industry"),
            _ => string.Create(Inv, $"{name} is a poor-fit industry"),
        };
        return new("industry", IndustryWeight, points, 1, reason);
    }

    private static ScoreFactor Employees(int? employees, IdealRange ideal)
    {
        if (employees is not { } count)
        {
            return ScoreFactor.Missing("companySize", EmployeesWeight, "Company size unknown");
        }

        var points = Curves.InRange(count, ideal);
        var reason = count < ideal.Min
            ? string.Create(Inv, $"{count:#,##0} employees: smaller than your ideal {ideal.Min:#,##0}–{ideal.Max:#,##0}")
            : count > ideal.Max
                ? string.Create(Inv, $"{count:#,##0} employees: larger than your ideal {ideal.Min:#,##0}–{ideal.Max:#,##0}")
                : string.Create(Inv, $"{count:#,##0} employees: inside your ideal {ideal.Min:#,##0}–{ideal.Max:#,##0}");
        return new("companySize", EmployeesWeight, points, 1, reason);
    }

    private static ScoreFactor Revenue(double? revenue, IdealRange ideal)
    {
        if (revenue is not { } amount)
        {
            return ScoreFactor.Missing("annualRevenue", RevenueWeight, "Annual revenue unknown");
        }

        var points = Curves.InRange(amount, ideal);
        var (value, min, max) = (new Compact(amount), new Compact(ideal.Min), new Compact(ideal.Max));
        var reason = amount < ideal.Min
            ? string.Create(Inv, $"Annual revenue {value}: below your ideal {min}–{max}")
            : amount > ideal.Max
                ? string.Create(Inv, $"Annual revenue {value}: above your ideal {min}–{max}")
                : string.Create(Inv, $"Annual revenue {value}: inside your ideal {min}–{max}");
        return new("annualRevenue", RevenueWeight, points, 1, reason);
    }

    private static ScoreFactor Geography(string? country, FitProfile fit)
    {
        if (string.IsNullOrEmpty(country))
        {
            return ScoreFactor.Missing("geography", GeographyWeight, "Country unknown");
        }

        return Lookup(fit.Countries, country, out var points)
            ? new("geography", GeographyWeight, points, 1, points >= 50 ? string.Create(Inv, $"Based in {country}, a target market") : string.Create(Inv, $"Based in {country}, a weak market"))
            : new("geography", GeographyWeight, fit.OtherCountryScore, 1, string.Create(Inv, $"Based in {country}, outside your target markets"));
    }

    private static ScoreFactor LeadSource(string? source, FitProfile fit)
    {
        if (string.IsNullOrEmpty(source))
        {
            return ScoreFactor.Missing("leadSource", LeadSourceWeight, "Lead source unknown");
        }

        var name = Vocabulary.Display(source);
        if (!Lookup(fit.LeadSources, source, out var points))
        {
            return new("leadSource", LeadSourceWeight, fit.OtherLeadSourceScore, 1, string.Create(Inv, $"Came from {name}"));
        }

        var reason = points >= 70 ? string.Create(Inv, $"Came from {name}, a strong source") : string.Create(Inv, $"Came from {name}");
        return new("leadSource", LeadSourceWeight, points, 1, reason);
    }

    private static ScoreFactor Lifecycle(string? stage, FitProfile fit, double prior)
    {
        if (string.IsNullOrEmpty(stage))
        {
            return ScoreFactor.Missing("lifecycleStage", LifecycleWeight, "Lifecycle stage unknown");
        }

        // A customer is not a lead to win: the stage is known (full evidence) but neutral, worth exactly the prior, so
        // it neither raises nor lowers fit; the other factors decide.
        if (fit.IsClosedStage(stage))
        {
            return new("lifecycleStage", LifecycleWeight, prior, 1, string.Create(Inv, $"Already a customer (lifecycle stage: {Vocabulary.Display(stage)}): not counted toward fit"));
        }

        var points = Lookup(fit.LifecycleStages, stage, out var known) ? known : fit.OtherLifecycleStageScore;
        return new("lifecycleStage", LifecycleWeight, points, 1, string.Create(Inv, $"Lifecycle stage: {Vocabulary.Display(stage)}"));
    }

    /// <summary>
    /// Case-insensitive lookup. Loaded profiles hold case-insensitive frozen maps (fast path); a map built in code
    /// with the default comparer is scanned instead, so "computer_software" still matches COMPUTER_SOFTWARE.
    /// </summary>
    private static bool Lookup(IReadOnlyDictionary<string, double> map, string key, out double value)
    {
        if (map.TryGetValue(key, out value))
        {
            return true;
        }

        if (map is System.Collections.Frozen.FrozenDictionary<string, double> frozen && ReferenceEquals(frozen.Comparer, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var (candidate, points) in map)
        {
            if (string.Equals(candidate, key, StringComparison.OrdinalIgnoreCase))
            {
                value = points;
                return true;
            }
        }

        return false;
    }
}
