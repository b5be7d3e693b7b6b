using System.Globalization;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Leads;

/// <summary>What a list request asks for: a filter, or one contact by id, and where the page starts.</summary>
public sealed record LeadListRequest(LeadFilter Filter, string? ContactId, string? PageToken, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Reads and checks the query parameters; each error names its parameter.</summary>
    public static LeadListRequest Parse(Func<string, string?> get, out IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(get);
        var problems = new List<ValidationError>();
        string? Read(string name) => get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        string? Code(string name, Func<string, bool> valid, string expected)
        {
            if (Read(name) is not { } value)
            {
                return null;
            }

            if (value.Length <= 100 && valid(value))
            {
                return value;
            }

            problems.Add(new(name, $"must be {expected} (got '{Shorten(value)}')"));
            return null;
        }

        static bool IsCode(string v) => v.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
        static bool IsId(string v) => v.Length <= 20 && v.All(char.IsAsciiDigit);

        var priority = Code("priority", v => Enum.GetNames<Priority>().Contains(v, StringComparer.Ordinal), "High, Medium or Low");
        var action = Code("nextAction", v => v is "Follow-up" or "Nurture" or "Close", "Follow-up, Nurture or Close");
        var source = Code("source", IsCode, "a HubSpot source code such as ORGANIC_SEARCH");
        var industry = Code("industry", IsCode, "a HubSpot industry code such as COMPUTER_SOFTWARE");
        var stage = Code("stage", IsCode, "a HubSpot lifecycle stage such as salesqualifiedlead");
        var owner = Code("owner", IsId, "a HubSpot owner id (digits)");
        var contactId = Code("contactId", IsId, "a HubSpot contact id (digits)");
        var token = Code("pageToken", LeadIndexStore.IsRankKey, "the nextPageToken of the previous page");

        DateTimeOffset? since = null;
        if (Read("changedSince") is { } text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                since = at;
            }
            else
            {
                problems.Add(new("changedSince", $"must be a date or instant such as 2026-12-01 or 2026-12-01T08:00:00Z (got '{Shorten(text)}')"));
            }
        }

        var size = DefaultPageSize;
        if (Read("pageSize") is { } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            problems.Add(new("pageSize", $"must be a whole number from 1 to {MaxPageSize} (got '{Shorten(sizeText)}')"));
            size = DefaultPageSize;
        }

        errors = problems;
        var filter = new LeadFilter
        {
            Priority = priority, NextBestAction = action, LeadSource = source, Industry = industry, LifecycleStage = stage, OwnerId = owner, ChangedSince = since,
        };
        return new LeadListRequest(filter, contactId, token, size);
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

/// <summary>A lead in the Rep's call queue: what to do and why, in words — never a score or a probability.</summary>
/// <param name="Why">The strongest reason for the lead's priority, in words.</param>
/// <param name="Missing">What the scoring could not see.</param>
/// <param name="Change">How the lead moved in the last day ("New lead", "Moved up from Medium", "Rising"…), or null.</param>
/// <param name="HubSpotUrl">The contact in HubSpot; null when HUBSPOT_PORTAL_ID is not set.</param>
public sealed record CallQueueItem(
    string ContactId, string Priority, string NextBestAction, string Why, IReadOnlyList<string> Missing, bool ChangedSinceYesterday, string? Change,
    Uri? HubSpotUrl, bool Mine);

/// <summary>A page of the call queue and the token of the next one.</summary>
public sealed record CallQueuePage(IReadOnlyList<CallQueueItem> Leads, string? Next);

/// <summary>
/// The dashboard's lists over <see cref="LeadIndexStore"/>: the Manager's scored leads (filtered, paged, by id) and the
/// Rep's call queue. Priority follows the score's bands (High ≥ 80 > Medium ≥ 50 > Low), so score order is priority
/// order and within a priority it is the score's order — which is how the queue is ordered without saying a number.
/// </summary>
public sealed class LeadLists(LeadIndexStore index, ScoringProfile profile, IOptions<LeadScoringSettings> settings, TimeProvider clock)
{
    /// <summary>Leads count as "changed since yesterday" when their score changed within this long.</summary>
    public static readonly TimeSpan ChangeWindow = TimeSpan.FromDays(1);

    /// <summary>The Manager's list: one page, highest score first, or the one lead asked for by id.</summary>
    public async Task<LeadIndexPage> ScoredAsync(LeadListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContactId is { } id)
        {
            return new LeadIndexPage(await index.FindAsync(id, cancellationToken).ConfigureAwait(false) is { } found && Matches(found, request.Filter) ? [found] : [], null);
        }

        return await index.PageAsync(request.Filter, request.PageToken, request.PageSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The Rep's call queue: leads in score order without customers (the profile's closed lifecycle stages), each with
    /// its why, what is missing, its change in the last day and its HubSpot link; <paramref name="owner"/> marks (and,
    /// with the request's owner filter, keeps) the rep's own leads.
    /// </summary>
    public async Task<CallQueuePage> CallQueueAsync(LeadListRequest request, string? owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = request.Filter with { ExcludedStages = [.. profile.Fit.ClosedLifecycleStages] };
        var page = await ScoredAsync(request with { Filter = filter }, cancellationToken).ConfigureAwait(false);
        var since = clock.GetUtcNow() - ChangeWindow;
        return new CallQueuePage([.. page.Leads.Select(e => ToItem(e, owner, since))], page.Next);
    }

    private CallQueueItem ToItem(LeadIndexEntry e, string? owner, DateTimeOffset since)
    {
        var changed = e.ChangedAt >= since;
        string? change = !changed ? null : e.Change switch
        {
            "new" => "New lead",
            _ when e.PreviousPriority is { } before && before != e.Priority => (e.Change == "up" ? "Moved up from " : "Moved down from ") + before,
            "up" => "Rising",
            _ => "Falling",
        };
        var portal = settings.Value.PortalId;
        var url = portal is null ? null : new Uri(string.Create(CultureInfo.InvariantCulture, $"https://app.hubspot.com/contacts/{portal}/record/0-1/{e.ContactId}"));
        return new CallQueueItem(e.ContactId, e.Priority, e.NextBestAction, e.TopReason ?? "No strong signal yet", e.Missing, changed, change, url,
            owner is not null && e.OwnerId == owner);
    }

    private static bool Matches(LeadIndexEntry e, LeadFilter f) =>
        (f.Priority is null || f.Priority == e.Priority)
        && (f.NextBestAction is null || f.NextBestAction == e.NextBestAction)
        && (f.LeadSource is null || f.LeadSource == e.LeadSource)
        && (f.Industry is null || f.Industry == e.Industry)
        && (f.LifecycleStage is null || f.LifecycleStage == e.LifecycleStage)
        && (f.OwnerId is null || f.OwnerId == e.OwnerId)
        && (f.ChangedSince is null || e.ChangedAt >= f.ChangedSince)
        && !f.ExcludedStages.Contains(e.LifecycleStage ?? "", StringComparer.OrdinalIgnoreCase);
}
