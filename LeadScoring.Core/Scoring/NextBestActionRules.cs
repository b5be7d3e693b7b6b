using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// Chooses the rep's next step. The rules, first match wins:
/// 1. Close: an open deal at or past the close stage probability (default 80%) and priority Medium or High.
/// 2. Follow-up: priority High; or Medium and engaged within the recent window (default 14 days);
///    or any open deal with engagement in that window. "Engaged within" uses the last engagement time, or, when
///    that is unknown, activity counts of a window no longer than the recent one (e.g. activity in the last 7 days).
/// 3. Nurture: everything else (Low, or gone cold).
/// </summary>
public static class NextBestActionRules
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static (NextBestAction Action, string Reason) Decide(Priority priority, LeadFeatures lead, DateTimeOffset asOf, NextBestActionProfile rules)
    {
        var stage = lead.OpenDealStageProbability;
        var daysSince = RecencyComponent.DaysSince(lead.LastEngagementAt, asOf);
        var warm = daysSince is { } d
            ? d <= rules.RecentEngagementDays
            : (lead.ActivitiesLast7Days > 0 && rules.RecentEngagementDays >= 7) || (lead.ActivitiesLast30Days > 0 && rules.RecentEngagementDays >= 30);

        if (stage is { } late && late >= rules.CloseStageProbability && priority >= Priority.Medium)
        {
            return (NextBestAction.Close, string.Create(Inv, $"Open deal at {late:0%} stage probability: push it to close"));
        }

        if (priority == Priority.High)
        {
            return (NextBestAction.FollowUp, "High priority: contact within a day");
        }

        if (priority == Priority.Medium && warm)
        {
            return (NextBestAction.FollowUp, daysSince is { } days
                ? string.Create(Inv, $"Medium priority and engaged {days:0} days ago: follow up while warm")
                : "Medium priority with recent activity: follow up while warm");
        }

        if (stage is not null && warm)
        {
            return (NextBestAction.FollowUp, "Open deal with recent engagement: keep it moving");
        }

        return priority == Priority.Medium
            ? (NextBestAction.Nurture, daysSince is { } cold
                ? string.Create(Inv, $"Medium priority but no engagement for {cold:0} days: re-engage through nurture")
                : HasAnyEngagement(lead)
                    ? string.Create(Inv, $"Medium priority but no engagement known within the last {rules.RecentEngagementDays} days: re-engage through nurture")
                    : "Medium priority but no engagement on record: re-engage through nurture")
            : (NextBestAction.Nurture, "Low priority: keep warm with marketing until engagement grows");
    }

    // Counts without a last-engagement date are engagement we know of, just not known to be recent: saying "none on record" would contradict them.
    private static bool HasAnyEngagement(LeadFeatures lead) =>
        lead.EmailOpens > 0 || lead.EmailClicks > 0 || lead.EmailReplies > 0 || lead.MeetingsBooked > 0 || lead.MeetingsAttended > 0
        || lead.CallsAttempted > 0 || lead.CallsConnected > 0 || lead.TotalEngagements > 0
        || lead.ActivitiesLast7Days > 0 || lead.ActivitiesLast30Days > 0 || lead.ActivitiesLast90Days > 0;
}
