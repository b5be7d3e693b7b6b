using System.Globalization;
using LeadScoring.HubSpotEmulator.Admin;
using LeadScoring.HubSpotEmulator.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.HubSpotEmulator.Simulation;

/// <summary>One lead as the simulation saw it: its hidden propensity, when it arrived, whether and how it was worked, how it ended.</summary>
/// <param name="ChosenBy">score, arrival or explore: how the team picked it; null while unworked.</param>
/// <param name="ScoreWhenWorked">The <c>ai_lead_score</c> it had when the team picked it (null: none written yet).</param>
public sealed record SimulatedLead(
    string ContactId,
    double Propensity,
    bool Seeded,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? WorkedAt,
    string? ChosenBy,
    int? ScoreWhenWorked,
    DateTimeOffset? DealOpenedAt,
    DateTimeOffset? WonAt,
    DateTimeOffset? LostAt);

/// <summary>
/// The emulator's portal living through time on its <see cref="SimulationClock"/>: each simulated day new leads arrive
/// (drawn like the seeded ones, each with a hidden propensity), leads open emails, view pages, reply and meet, and
/// deals open and close won or lost; each week a sales team of fixed capacity works leads in score or arrival order
/// (with an optional explore share). Whether a deal opens and is won depends on the propensity and on whether the lead
/// was worked (≈4× as often); deals are real CRM deals, so the product reads the outcomes over the API like any other.
/// The driver advances the clock and calls <see cref="SimulateDay"/> and <see cref="WorkWeek"/>; nothing runs by itself.
/// </summary>
public sealed class SimulatedPortal
{
    /// <summary>How long a worked lead keeps getting the rep's attention (calls, replies, meetings).</summary>
    private static readonly TimeSpan Attention = TimeSpan.FromDays(21);

    private readonly PortalStore _store;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly List<LeadState> _leads = [];
    private readonly DateTimeOffset _start;
    private int _day;

    internal SimulatedPortal(PortalStore store, SimulationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContactsPerWeek);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WeeklyCapacity);
        if (options.ExploreShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ExploreShare, "ExploreShare must be between 0 and 1.");
        }

        _store = store;
        _options = options;
        _random = new Random(options.Seed);
        _start = store.Write(w =>
        {
            // The seeded portal's open leads join the simulation: an open deal closes within eight weeks.
            foreach (var (id, truth) in w.Data.GroundTruth.Where(t => !t.Value.Converted))
            {
                if (w.Data.Find(ObjectType.Contacts, id) is not { } contact)
                {
                    continue;
                }

                var lead = new LeadState(id, truth.Propensity, seeded: true, contact.CreatedAt);
                var openDeal = w.Data.Associated(ObjectType.Contacts, id, ObjectType.Deals).Keys
                    .Select(d => w.Data.Find(ObjectType.Deals, d)).FirstOrDefault(d => d?.Get("hs_is_closed") != "true");
                if (openDeal is not null)
                {
                    lead.DealId = openDeal.Id;
                    lead.DealOpenedAt = openDeal.CreatedAt;
                    lead.ClosesAt = w.Now.AddDays(_random.Next(7, 57));
                    lead.Wins = Chance(WinChance(truth.Propensity, worked: true) / DealChance(truth.Propensity, worked: true));
                }
                else
                {
                    DrawInbound(lead, w.Now);
                }

                _leads.Add(lead);
            }

            return w.Now;
        });
    }

    /// <summary>Days simulated so far.</summary>
    public int Day => _day;

    /// <summary>The simulation of the emulator <paramref name="app"/> (started by <see cref="EmulatorApp.StartAsync"/>) with <paramref name="options"/>.</summary>
    public static SimulatedPortal For(WebApplication app, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        return new SimulatedPortal(app.Services.GetRequiredService<EmulatorServices>().Store, options);
    }

    /// <summary>Chance that a lead of propensity <paramref name="p"/> is eventually won: worked leads ≈4× as often.</summary>
    public static double WinChance(double p, bool worked) => Math.Min(0.9, 1.6 * p) * (worked ? 1 : 0.25);

    /// <summary>Chance that a deal opens at all (won or lost later).</summary>
    public static double DealChance(double p, bool worked) => Math.Min(1, WinChance(p, worked) + (worked ? 0.15 : 0.05));

    /// <summary>Every lead the simulation follows (the seeded portal's open ones and every arrival), in the order they joined.</summary>
    public IReadOnlyList<SimulatedLead> Leads() => [.. _leads.Select(l => l.Snapshot())];

    /// <summary>Every contact id in the portal, lowest first.</summary>
    public IReadOnlyList<string> ContactIds() => _store.Read(d => d.Objects[ObjectType.Contacts].Keys.Select(Formats.Text).ToList());

    /// <summary>
    /// One day, at the clock's current time: today's arrivals, then each lead's day (a deal opening or closing, emails
    /// opened, pages viewed, and while worked the rep's calls, replies and meetings).
    /// </summary>
    public void SimulateDay()
    {
        var dayOfWeek = _day % 7;
        var arrivals = (_options.ContactsPerWeek * (dayOfWeek + 1) / 7) - (_options.ContactsPerWeek * dayOfWeek / 7);
        _day++;
        _store.Write(w =>
        {
            foreach (var contact in AdminWrites.CreateContacts(w, arrivals, new Dictionary<string, string>()))
            {
                var lead = new LeadState(contact.Id, w.Data.GroundTruth[contact.Id].Propensity, seeded: false, w.Now);
                DrawInbound(lead, w.Now);
                _leads.Add(lead);
            }

            foreach (var lead in _leads)
            {
                if (!lead.Closed && w.Data.Find(ObjectType.Contacts, lead.Id) is { } contact)
                {
                    LiveDay(w, lead, contact);
                }
            }

            return 0;
        });
    }

    /// <summary>
    /// The team's week: up to <see cref="SimulationOptions.WeeklyCapacity"/> unworked leads without a deal, the explore
    /// share chosen at random and the rest from the top of the order. Returns the leads worked now.
    /// </summary>
    public IReadOnlyList<SimulatedLead> WorkWeek() => _store.Write(w =>
    {
        var pool = _leads.Where(l => l.WorkedAt is null && !l.Closed && l.DealId is null && l.OpensAt is null).ToList();
        foreach (var lead in pool)
        {
            lead.Score = w.Data.Find(ObjectType.Contacts, lead.Id)?.Get("ai_lead_score") is { } s
                && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var score) ? score : null;
        }

        var capacity = Math.Min(_options.WeeklyCapacity, pool.Count);
        var explore = Math.Min(capacity, (int)Math.Round(_options.WeeklyCapacity * _options.ExploreShare));
        var ordered = _options.Order == WorkOrder.Score
            ? pool.OrderByDescending(l => l.Score ?? -1).ThenByDescending(l => l.ArrivedAt).ThenBy(l => l.Id)
            : pool.OrderByDescending(l => l.ArrivedAt).ThenBy(l => l.Id);
        var chosen = ordered.Take(capacity - explore).Select(l => (Lead: l, By: _options.Order == WorkOrder.Score ? "score" : "arrival")).ToList();
        var rest = pool.Except(chosen.Select(c => c.Lead)).ToArray();
        _random.Shuffle(rest);
        chosen.AddRange(rest.Take(explore).Select(l => (l, "explore")));

        foreach (var (lead, by) in chosen)
        {
            lead.WorkedAt = w.Now;
            lead.ChosenBy = by;
            lead.ScoreWhenWorked = lead.Score;
            lead.InboundAt = null; // the rep's path replaces the lead's own
            if (Chance(DealChance(lead.Propensity, worked: true)))
            {
                lead.OpensAt = w.Now.AddDays(_random.Next(1, 15));
            }

            if (w.Data.Find(ObjectType.Contacts, lead.Id) is { } contact)
            {
                AdminWrites.AddActivity(w, contact, "call");
            }
        }

        return (IReadOnlyList<SimulatedLead>)[.. chosen.Select(c => c.Lead.Snapshot())];
    });

    private void LiveDay(PortalWriter w, LeadState lead, CrmObject contact)
    {
        var now = w.Now;
        var p = lead.Propensity;
        if (lead.InboundAt <= now && lead.OpensAt is null && lead.DealId is null)
        {
            lead.OpensAt = now;
        }

        if (lead.OpensAt <= now && lead.DealId is null)
        {
            var deal = AdminWrites.CreateDeals(w, contact, null, 1, "appointmentscheduled", null)[0];
            var worked = lead.WorkedAt is not null;
            lead.DealId = deal.Id;
            lead.DealOpenedAt = now;
            lead.Wins = Chance(WinChance(p, worked) / DealChance(p, worked));

            // Likelier buyers decide sooner: one to seven weeks.
            lead.ClosesAt = now.AddDays(7 + Math.Round(_random.NextDouble() * 42 * (1.3 - p)));
        }

        if (lead.ClosesAt <= now && lead.DealId is { } dealId && w.Data.Find(ObjectType.Deals, dealId) is { } open)
        {
            Close(w, lead, contact, open);
            return;
        }

        // Marketing interest fades over the weeks after arrival (the seeded leads' clock starts with the simulation).
        var fade = Math.Exp(-(now - (lead.ArrivedAt > _start ? lead.ArrivedAt : _start)).TotalDays / 60);
        if (Chance((0.3 + (3 * p)) * fade / 7))
        {
            AdminWrites.AddActivity(w, contact, "email_open");
        }

        if (Chance((0.5 + (6 * p)) * fade / 7))
        {
            var views = _random.Next(1, 4);
            w.Update(contact, new Dictionary<string, string>
            {
                ["hs_analytics_num_page_views"] = AdminWrites.Plus(contact, "hs_analytics_num_page_views", views),
                ["hs_analytics_num_visits"] = AdminWrites.Plus(contact, "hs_analytics_num_visits", 1),
            }, AdminWrites.CrmUi);
        }

        var attended = lead.DealId is not null || (lead.WorkedAt is { } worked2 && now - worked2 < Attention);
        if (!attended)
        {
            return;
        }

        if (Chance(0.2))
        {
            AdminWrites.AddActivity(w, contact, "call");
        }

        if (Chance((0.05 + (0.6 * p)) * 0.3))
        {
            AdminWrites.AddActivity(w, contact, "email_reply");
        }

        if (Chance(0.02 + (0.3 * p)))
        {
            AdminWrites.AddActivity(w, contact, "meeting");
        }
    }

    private static void Close(PortalWriter w, LeadState lead, CrmObject contact, CrmObject deal)
    {
        var won = lead.Wins;
        var stamp = Formats.Iso(w.Now);
        w.Update(deal, new Dictionary<string, string>
        {
            ["dealstage"] = won ? "closedwon" : "closedlost",
            ["closedate"] = stamp,
            ["hs_is_closed"] = "true",
            ["hs_is_closed_won"] = won ? "true" : "false",
            ["hs_is_closed_lost"] = won ? "false" : "true",
            ["hs_deal_stage_probability"] = won ? "1" : "0",
        }, AdminWrites.CrmUi);
        if (won)
        {
            w.Update(contact, new Dictionary<string, string> { ["lifecyclestage"] = "customer" }, AdminWrites.CrmUi);
            w.Data.GroundTruth[lead.Id] = w.Data.GroundTruth[lead.Id] with { Converted = true };
            lead.WonAt = w.Now;
        }
        else
        {
            lead.LostAt = w.Now;
        }

        lead.Closed = true;
    }

    /// <summary>Whether, left alone, the lead raises its hand one day in the next ten weeks.</summary>
    private void DrawInbound(LeadState lead, DateTimeOffset now)
    {
        if (Chance(DealChance(lead.Propensity, worked: false)))
        {
            lead.InboundAt = now.AddDays(_random.Next(3, 71));
        }
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    /// <summary>The simulation's own bookkeeping of one lead; the portal holds only what HubSpot would.</summary>
    private sealed class LeadState(long id, double propensity, bool seeded, DateTimeOffset arrivedAt)
    {
        public long Id { get; } = id;

        public bool Seeded { get; } = seeded;

        public double Propensity { get; } = propensity;

        public DateTimeOffset ArrivedAt { get; } = arrivedAt;

        public DateTimeOffset? InboundAt { get; set; }

        public DateTimeOffset? WorkedAt { get; set; }

        public string? ChosenBy { get; set; }

        public int? Score { get; set; }

        public int? ScoreWhenWorked { get; set; }

        public DateTimeOffset? OpensAt { get; set; }

        public long? DealId { get; set; }

        public DateTimeOffset? DealOpenedAt { get; set; }

        public DateTimeOffset? ClosesAt { get; set; }

        public bool Wins { get; set; }

        public bool Closed { get; set; }

        public DateTimeOffset? WonAt { get; set; }

        public DateTimeOffset? LostAt { get; set; }

        public SimulatedLead Snapshot() =>
            new(Formats.Text(Id), Propensity, Seeded, ArrivedAt, WorkedAt, ChosenBy, ScoreWhenWorked, DealOpenedAt, WonAt, LostAt);
    }
}
