using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>Engagement: what the lead has done with us. Every count saturates, so one noisy lead can't run off.</summary>
public static class EngagementComponent
{
    // Factor weights (sum to 1): two-way signals (replies, meetings, calls) outweigh one-way ones (opens).
    public const double OpensWeight = 0.10;
    public const double ClicksWeight = 0.15;
    public const double RepliesWeight = 0.20;
    public const double MeetingsWeight = 0.30;
    public const double CallsWeight = 0.15;
    public const double TotalWeight = 0.10;

    // Saturation constants: the count that earns 63 of 100 points (see Curves.Saturating).
    public const double OpensSaturation = 5;
    public const double ClicksSaturation = 2;
    public const double RepliesSaturation = 1;
    public const double MeetingsSaturation = 1.5;
    public const double CallsSaturation = 2;
    public const double TotalSaturation = 15;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ComponentScore Score(LeadFeatures lead, ScoringProfile profile)
    {
        var window = lead.EngagementWindowDays;
        ScoreFactor[] factors =
        [
            Count("emailOpens", OpensWeight, lead.EmailOpens, OpensSaturation, window, ("Opened ", " email", " emails"), "Email opens unknown"),
            Count("emailClicks", ClicksWeight, lead.EmailClicks, ClicksSaturation, window, ("Clicked ", " email link", " email links"), "Email clicks unknown"),
            Count("emailReplies", RepliesWeight, lead.EmailReplies, RepliesSaturation, window, ("Replied to ", " email", " emails"), "Email replies unknown"),
            Meetings(lead.MeetingsBooked, lead.MeetingsAttended, window),
            Calls(lead.CallsAttempted, lead.CallsConnected, window),
            Count("totalEngagements", TotalWeight, lead.TotalEngagements, TotalSaturation, window, ("", " logged engagement", " logged engagements"), "Engagement history unknown"),
        ];
        return ComponentScore.Combine(ScoreComponent.Engagement, factors, profile.UnknownDataScore);
    }

    private static ScoreFactor Count(
        string name, double weight, int? count, double saturation, int? window, (string Verb, string One, string Many) words, string missing)
    {
        if (count is not { } n)
        {
            return ScoreFactor.Missing(name, weight, missing);
        }

        var text = string.Create(Inv, $"{words.Verb}{n}{(n == 1 ? words.One : words.Many)}{new InLastDays(window)}");
        return new(name, weight, Curves.Saturating(n, saturation), 1, text);
    }

    private static ScoreFactor Meetings(int? booked, int? attended, int? window)
    {
        const string Name = "meetings";
        if (attended is { } met)
        {
            var text = booked is { } b && b > met
                ? string.Create(Inv, $"Attended {met} of {b} booked meetings{new InLastDays(window)} ({b - met} no-show)")
                : string.Create(Inv, $"Attended {met} meeting{(met == 1 ? "" : "s")}{new InLastDays(window)}");
            return new(Name, MeetingsWeight, Curves.Saturating(met, MeetingsSaturation), 1, text);
        }

        if (booked is { } only)
        {
            // Booked but attendance unknown: half credit, half evidence, rather than pretending either way.
            var text = string.Create(Inv, $"Booked {only} meeting{(only == 1 ? "" : "s")}{new InLastDays(window)} (attendance unknown)");
            return new(Name, MeetingsWeight, Curves.Saturating(only * 0.5, MeetingsSaturation), 0.5, text);
        }

        return ScoreFactor.Missing(Name, MeetingsWeight, "Meetings unknown");
    }

    private static ScoreFactor Calls(int? attempted, int? connected, int? window)
    {
        const string Name = "calls";
        if (connected is { } reached)
        {
            var text = attempted is { } tried && tried > 0
                ? reached == 0
                    ? string.Create(Inv, $"No answer on {tried} call attempt{(tried == 1 ? "" : "s")}{new InLastDays(window)}")
                    : string.Create(Inv, $"Connected on {reached} of {tried} calls{new InLastDays(window)}")
                : string.Create(Inv, $"Connected on {reached} call{(reached == 1 ? "" : "s")}{new InLastDays(window)}");
            return new(Name, CallsWeight, Curves.Saturating(reached, CallsSaturation), 1, text);
        }

        return attempted is { } calls
            ? new(Name, CallsWeight, 0, 0.5, string.Create(Inv, $"{calls} call attempt{(calls == 1 ? "" : "s")}{new InLastDays(window)}, outcome unknown"))
            : ScoreFactor.Missing(Name, CallsWeight, "Calls unknown");
    }
}
