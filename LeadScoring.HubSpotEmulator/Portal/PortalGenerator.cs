using System.Globalization;
using System.Text;
using static LeadScoring.HubSpotEmulator.Formats;

namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>A contact the generator drew, before it is stored: its properties and the hidden truth behind them.</summary>
internal sealed record ContactDraft(Dictionary<string, string> Properties, CrmObject? Company, GroundTruth Truth);

/// <summary>
/// Draws a synthetic portal from one seeded <see cref="Random"/>. Each contact has a hidden propensity (logistic of
/// fit + engagement affinity + noise) that drives how much it engages and whether it converts, so a scoring model
/// has real signal to find and <c>/_emulator/ground-truth</c> something to be checked against.
/// </summary>
internal sealed class PortalGenerator
{
    private static readonly (string Stage, string Probability)[] OpenStages =
        [("appointmentscheduled", "0.2"), ("qualifiedtobuy", "0.4"), ("presentationscheduled", "0.6"), ("decisionmakerboughtin", "0.8"), ("contractsent", "0.9")];

    private readonly Random _random;
    private readonly DateTimeOffset _now;
    private readonly PortalData _data;
    private readonly HashSet<string> _domains;

    public PortalGenerator(PortalData data, Random random, DateTimeOffset now)
    {
        _data = data;
        _random = random;
        _now = now;
        _domains = [.. data.Objects[ObjectType.Companies].Values.Select(c => c.Get("domain") ?? "")];
    }

    /// <summary>A whole portal: ≈ contacts/3 companies, the contacts, their deals and ~180 days of engagements.</summary>
    public static PortalData Seed(int seed, int contacts, DateTimeOffset now)
    {
        // Whole seconds, so a clock read a few microseconds apart does not change the portal.
        now = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var data = new PortalData { Seed = seed, SeededAt = now };
        var generator = new PortalGenerator(data, new Random(seed), now);
        var companies = new List<CrmObject>();
        for (var i = 0; i < (contacts == 0 ? 0 : Math.Max(1, (contacts + 2) / 3)); i++)
        {
            companies.Add(generator.SeedCompany());
        }

        for (var i = 0; i < contacts; i++)
        {
            generator.SeedContact(companies);
        }

        foreach (var company in companies)
        {
            company.Properties["num_associated_contacts"] = Text(data.Associated(ObjectType.Companies, company.Id, ObjectType.Contacts).Count);
            company.Properties["num_associated_deals"] = Text(data.Associated(ObjectType.Companies, company.Id, ObjectType.Deals).Count);
        }

        return data;
    }

    /// <summary>A new contact at one of <paramref name="companies"/> (or none), without any activity yet.</summary>
    public ContactDraft DraftContact(IReadOnlyList<CrmObject> companies, DateTimeOffset createdAt)
    {
        var company = companies.Count > 0 && Chance(0.95) ? Pick(companies) : null;
        var first = Pick(SyntheticData.FirstNames);
        var last = Pick(SyntheticData.LastNames);
        var (title, seniorityFit) = Pick(SyntheticData.JobTitles);
        var (source, sourceFit) = Pick(SyntheticData.Sources);
        var country = company?.Get("country") is { } companyCountry && Chance(0.9) ? companyCountry : PickCountry();
        var countryInfo = SyntheticData.Countries.FirstOrDefault(c => c.Matches(country)) ?? SyntheticData.Countries[0];
        var domain = company?.Get("domain") ?? Pick(SyntheticData.FreeMailDomains);

        var fit = (company is null ? -0.8 : CompanyFit(company)) + seniorityFit + sourceFit;
        var affinity = Normal();
        var propensity = Math.Round(1 / (1 + Math.Exp(-(-2.6 + (1.3 * fit) + (0.9 * affinity) + (0.5 * Normal())))), 4);

        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["firstname"] = first,
            ["lastname"] = last,
            ["email"] = UniqueEmail($"{Slug(first)}.{Slug(last)}", domain),
            ["phone"] = Phone(countryInfo),
            ["address"] = $"{_random.Next(1, 400)} {Pick(SyntheticData.Streets)}",
            ["city"] = Pick(countryInfo.Cities),
            ["zip"] = _random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture),
            ["country"] = country,
            ["jobtitle"] = title,
            ["hs_analytics_source"] = source,
            ["hubspot_owner_id"] = Pick(SyntheticData.Owners).Id,
            ["createdate"] = Iso(createdAt),
        };
        if (Chance(0.4))
        {
            properties["mobilephone"] = Phone(countryInfo);
        }

        if (company is not null)
        {
            properties["company"] = company.Get("name") ?? "";
            properties["associatedcompanyid"] = Text(company.Id);
        }

        return new ContactDraft(properties, company, new GroundTruth(propensity, false, Math.Round(fit, 4), Math.Round(affinity, 4)));
    }

    /// <summary>Fit from the company's stored properties: industry, size and country.</summary>
    public static double CompanyFit(CrmObject company) =>
        SyntheticData.IndustryFit(company.Get("industry"))
        + SyntheticData.SizeFit(long.TryParse(company.Get("numberofemployees"), CultureInfo.InvariantCulture, out var n) ? n : null)
        + SyntheticData.CountryFit(company.Get("country"));

    public Dictionary<string, string> Email(CrmObject contact, bool incoming, DateTimeOffset at)
    {
        var rep = Pick(SyntheticData.Owners);
        var repEmail = $"{Slug(rep.Name.Split(' ')[0])}@emulated-sales.example";
        var contactEmail = contact.Get("email") ?? "";
        var subject = Pick(SyntheticData.EmailSubjects).Replace("{company}", contact.Get("company") ?? "your team", StringComparison.Ordinal);
        return Engagement(at, rep.Id, new()
        {
            ["hs_email_direction"] = incoming ? "INCOMING_EMAIL" : "EMAIL",
            ["hs_email_status"] = !incoming && Chance(0.03) ? "BOUNCED" : "SENT",
            ["hs_email_subject"] = incoming ? "Re: " + subject : subject,
            ["hs_email_text"] = incoming
                ? $"Thanks, that sounds good. Best, {contact.Get("firstname")}"
                : $"Hi {contact.Get("firstname")}, I wanted to follow up. Best, {rep.Name}",
            ["hs_email_from_email"] = incoming ? contactEmail : repEmail,
            ["hs_email_to_email"] = incoming ? repEmail : contactEmail,
        });
    }

    public Dictionary<string, string> Meeting(CrmObject contact, DateTimeOffset at, string outcome)
    {
        var rep = Pick(SyntheticData.Owners);
        return Engagement(at, rep.Id, new()
        {
            ["hs_meeting_title"] = $"{Pick(["Discovery call", "Demo", "Pricing review", "Check-in"])} with {contact.Get("firstname")} {contact.Get("lastname")}",
            ["hs_meeting_outcome"] = outcome,
            ["hs_meeting_start_time"] = Iso(at),
            ["hs_meeting_end_time"] = Iso(at.AddMinutes(Pick([30, 45, 60]))),
        });
    }

    public Dictionary<string, string> Call(CrmObject contact, DateTimeOffset at, bool connected)
    {
        var rep = Pick(SyntheticData.Owners);
        var (status, disposition) = connected
            ? ("COMPLETED", SyntheticData.CallConnected)
            : Pick([("NO_ANSWER", SyntheticData.CallNoAnswer), ("NO_ANSWER", SyntheticData.CallNoAnswer), ("COMPLETED", SyntheticData.CallLeftVoicemail), ("BUSY", SyntheticData.CallBusy)]);
        return Engagement(at, rep.Id, new()
        {
            ["hs_call_title"] = $"Call with {contact.Get("firstname")} {contact.Get("lastname")}",
            ["hs_call_direction"] = Chance(0.85) ? "OUTBOUND" : "INBOUND",
            ["hs_call_status"] = status,
            ["hs_call_disposition"] = disposition,
            ["hs_call_duration"] = Text(connected ? _random.Next(120_000, 1_800_000) : _random.Next(0, 30_000)),
        });
    }

    public Dictionary<string, string> Note(CrmObject contact, DateTimeOffset at)
    {
        var rep = Pick(SyntheticData.Owners);
        var body = $"<p>Spoke with {contact.Get("firstname")} {contact.Get("lastname")} ({contact.Get("email")}, {contact.Get("phone")}): {Pick(SyntheticData.NoteTopics)}.</p>";
        return Engagement(at, rep.Id, new() { ["hs_note_body"] = body });
    }

    public Dictionary<string, string> Deal(CrmObject? contact, CrmObject? company, string stage, decimal amount, DateTimeOffset createdAt, DateTimeOffset closeAt)
    {
        var won = stage == "closedwon";
        var closed = won || stage == "closedlost";
        var probability = won ? "1" : stage == "closedlost" ? "0" : OpenStages.First(s => s.Stage == stage).Probability;
        var who = company?.Get("name") ?? $"{contact?.Get("firstname")} {contact?.Get("lastname")}".Trim();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dealname"] = $"{who} - {Pick(["Platform", "Pro plan", "Enterprise plan", "Renewal", "Pilot", "Expansion"])}",
            ["amount"] = amount.ToString(CultureInfo.InvariantCulture),
            ["dealstage"] = stage,
            ["pipeline"] = "default",
            ["dealtype"] = "newbusiness",
            ["createdate"] = Iso(createdAt),
            ["closedate"] = Iso(closeAt),
            ["hs_is_closed_won"] = won ? "true" : "false",
            ["hs_is_closed"] = closed ? "true" : "false",
            ["hs_is_closed_lost"] = stage == "closedlost" ? "true" : "false",
            ["hs_deal_stage_probability"] = probability,
        };
    }

    /// <summary>A deal size that grows with the company.</summary>
    public decimal DealAmount(CrmObject? company)
    {
        var employees = long.TryParse(company?.Get("numberofemployees"), CultureInfo.InvariantCulture, out var n) ? n : 20;
        var size = Math.Clamp(Math.Log10(Math.Max(employees, 1)), 0.5, 4.5);
        return Math.Round((decimal)(size * _random.Next(4_000, 30_000)) / 100, 0) * 100;
    }

    private CrmObject SeedCompany()
    {
        var name = $"{Pick(SyntheticData.CompanyPrefixes)}{Pick(SyntheticData.CompanyNouns)} {Pick(SyntheticData.CompanyKinds)}";
        var countryName = PickCountry();
        var country = SyntheticData.Countries.FirstOrDefault(c => c.Matches(countryName)) ?? SyntheticData.Countries[0];
        var domain = Slug(name.Split(' ')[0]) + "." + country.Tld;
        for (var n = 2; !_domains.Add(domain); n++)
        {
            domain = $"{Slug(name.Split(' ')[0])}{n}.{country.Tld}";
        }

        var createdAt = Between(_now.AddDays(-1000), _now.AddDays(-30));
        var company = Put(ObjectType.Companies, createdAt, new()
        {
            ["name"] = name,
            ["domain"] = domain,
            ["website"] = "https://www." + domain,
            ["industry"] = Chance(0.92) ? Pick(PropertyCatalog.Industries) : "",
            ["country"] = countryName,
            ["city"] = Pick(country.Cities),
            ["phone"] = Phone(country),
            ["hubspot_owner_id"] = Pick(SyntheticData.Owners).Id,
        });
        var employees = (long)Math.Clamp(Math.Exp(4 + (1.6 * Normal())), 1, 100_000);
        if (Chance(0.95))
        {
            company.Properties["numberofemployees"] = Text(employees);
        }

        if (Chance(0.85))
        {
            company.Properties["annualrevenue"] = Text(employees * _random.Next(80, 250) * 1000);
        }

        company.Properties["hs_lastmodifieddate"] = Iso(Between(createdAt, _now));
        return company;
    }

    /// <summary>
    /// A contact with its history: deals, then engagements over the last 180 days (more, and more recent, the higher its
    /// propensity), marketing counters, lifecycle fields. The phases draw from the random source in this order.
    /// </summary>
    private void SeedContact(List<CrmObject> companies)
    {
        var createdAt = Between(_now.AddDays(-720), _now.AddDays(-3));
        var draft = DraftContact(companies, createdAt);
        var contact = Put(ObjectType.Contacts, createdAt, draft.Properties);
        if (draft.Company is { } company)
        {
            _data.Associate(ObjectType.Contacts, contact.Id, ObjectType.Companies, company.Id, primary: true);
        }

        var p = draft.Truth.Propensity;
        var windowStart = createdAt > _now.AddDays(-180) ? createdAt : _now.AddDays(-180);
        var share = (_now - windowStart).TotalDays / 180;
        var converted = (_now - createdAt).TotalDays > 14 && Chance(p);
        var activity = new Activity();

        // Deals first, so engagements can be associated with the deal that was open at the time.
        var (wonDeal, openDeal) = SeedDeals(contact, draft.Company, p, converted, createdAt, windowStart, activity);
        var deal = wonDeal ?? openDeal;
        var skew = 1 / (1 + (1.5 * p));
        DateTimeOffset When() => windowStart + ((_now - windowStart) * Math.Pow(_random.NextDouble(), skew));

        SeedEngagements(contact, draft.Company, deal, p, share, converted, windowStart, When, activity);
        var props = contact.Properties;
        SetMarketingCounters(props, draft.Truth, share, createdAt, When, activity);
        props["num_associated_deals"] = Text(_data.Associated(ObjectType.Contacts, contact.Id, ObjectType.Deals).Count);
        SetLifecycle(props, p, converted, openDeal);

        activity.WriteTo(props);
        var modified = Min(_now, Max(createdAt, activity.Last ?? createdAt).AddMilliseconds(_random.Next(0, 3 * 3_600_000)));
        props["lastmodifieddate"] = props["hs_lastmodifieddate"] = Iso(modified);
        _data.GroundTruth[contact.Id] = draft.Truth with { Converted = converted };
    }

    /// <summary>A won deal for a converted contact, else maybe an open one; sometimes a lost one as well.</summary>
    private (CrmObject? Won, CrmObject? Open) SeedDeals(
        CrmObject contact, CrmObject? company, double p, bool converted, DateTimeOffset createdAt, DateTimeOffset windowStart, Activity activity)
    {
        CrmObject? openDeal = null;
        CrmObject? wonDeal = null;
        if (converted)
        {
            var closeAt = Between(windowStart + ((_now - windowStart) * 0.3), _now.AddDays(-1));
            wonDeal = SeedDeal(contact, company, "closedwon", Max(createdAt, closeAt.AddDays(-_random.Next(14, 90))), closeAt);
            activity.Add(closeAt);
        }
        else if (p > 0.2 && Chance(Math.Min(1, p * 1.2)))
        {
            var stage = OpenStages[Math.Clamp((int)((p * 5) + Normal()), 0, OpenStages.Length - 1)].Stage;
            openDeal = SeedDeal(contact, company, stage, Max(createdAt, _now.AddDays(-_random.Next(5, 60))), _now.AddDays(_random.Next(7, 90)));
        }

        if ((!converted && openDeal is null && Chance(0.12)) || (converted && Chance(0.15)))
        {
            var lostAt = Between(windowStart, _now.AddDays(-2));
            SeedDeal(contact, company, "closedlost", Max(createdAt, lostAt.AddDays(-_random.Next(10, 60))), lostAt);
        }

        return (wonDeal, openDeal);
    }

    /// <summary>Emails (and replies), meetings, calls and notes at <paramref name="when"/>, associated with the deal open then.</summary>
    private void SeedEngagements(
        CrmObject contact, CrmObject? company, CrmObject? deal, double p, double share, bool converted, DateTimeOffset windowStart,
        Func<DateTimeOffset> when, Activity activity)
    {
        for (var i = Poisson((2 + (14 * p)) * share); i > 0; i--)
        {
            var at = when();
            SeedEngagement(ObjectType.Emails, Email(contact, false, at), contact, company, deal);
            activity.Contacted(at);
            if (Chance(0.05 + (0.5 * p)))
            {
                var replyAt = Min(_now, at.AddHours(_random.Next(1, 72)));
                SeedEngagement(ObjectType.Emails, Email(contact, true, replyAt), contact, company, deal);
                activity.Replied(replyAt);
            }

            if (Chance(0.2 + (0.6 * p)))
            {
                activity.Opened(Min(_now, at.AddMinutes(_random.Next(5, 600))));
            }
        }

        for (var i = Poisson((0.2 + (4 * p)) * share); i > 0; i--)
        {
            var at = when();
            var roll = _random.NextDouble();
            var outcome = roll < 0.6 + (0.3 * p) ? "COMPLETED" : roll < 0.8 + (0.1 * p) ? "NO_SHOW" : Chance(0.5) ? "CANCELED" : "RESCHEDULED";
            SeedEngagement(ObjectType.Meetings, Meeting(contact, at, outcome), contact, company, deal);
            activity.Contacted(at);
        }

        if (!converted && Chance(p * 0.3))
        {
            var at = _now.AddDays(_random.Next(1, 14)).AddHours(_random.Next(0, 8));
            SeedEngagement(ObjectType.Meetings, Meeting(contact, at, "SCHEDULED"), contact, company, deal, createdAt: Between(windowStart, _now));
        }

        for (var i = Poisson((0.5 + (5 * p)) * share); i > 0; i--)
        {
            var at = when();
            SeedEngagement(ObjectType.Calls, Call(contact, at, Chance(0.25 + (0.5 * p))), contact, company, deal);
            activity.Contacted(at);
        }

        for (var i = Poisson((0.3 + (3 * p)) * share); i > 0; i--)
        {
            var at = when();
            SeedEngagement(ObjectType.Notes, Note(contact, at), contact, company, deal);
            activity.Noted(at);
        }
    }

    private void SetMarketingCounters(
        Dictionary<string, string> props, GroundTruth truth, double share, DateTimeOffset createdAt, Func<DateTimeOffset> when, Activity activity)
    {
        var p = truth.Propensity;
        var marketingOpens = Poisson((1 + (10 * p) + (2 * Math.Max(truth.Affinity, 0))) * Math.Max(share, 0.2));
        var views = Poisson(2 + (30 * p));
        var conversions = Poisson(0.3 + (2 * p)) + (Chance(0.7) ? 1 : 0);
        props["hs_email_open"] = Text(marketingOpens);
        props["hs_email_click"] = Text(Binomial(marketingOpens, 0.1 + (0.3 * p)));
        if (marketingOpens > 0)
        {
            props["hs_email_last_open_date"] = Iso(when());
        }

        props["hs_analytics_num_page_views"] = Text(views);
        props["hs_analytics_num_visits"] = Text(Math.Max(1, views / 3));
        props["num_conversion_events"] = Text(conversions);
        if (conversions > 0)
        {
            var convertedAt = Between(createdAt, _now);
            props["recent_conversion_date"] = Iso(convertedAt);
            activity.Add(convertedAt);
        }
    }

    private void SetLifecycle(Dictionary<string, string> props, double p, bool converted, CrmObject? openDeal)
    {
        props["lifecyclestage"] = converted
            ? (Chance(0.05) ? "evangelist" : "customer")
            : openDeal is not null ? "opportunity"
            : (p + (0.1 * Normal())) switch
            {
                < 0.08 => "subscriber",
                < 0.2 => "lead",
                < 0.4 => "marketingqualifiedlead",
                _ => "salesqualifiedlead",
            };
        var leadStatus = openDeal is not null ? "OPEN_DEAL"
            : converted ? "CONNECTED"
            : Chance(0.2) ? ""
            : Pick<string>(p < 0.1 ? ["NEW", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "BAD_TIMING"] : ["NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT", "CONNECTED"]);
        if (leadStatus.Length > 0)
        {
            props["hs_lead_status"] = leadStatus;
        }
    }

    private CrmObject SeedDeal(CrmObject contact, CrmObject? company, string stage, DateTimeOffset createdAt, DateTimeOffset closeAt)
    {
        var deal = Put(ObjectType.Deals, createdAt, Deal(contact, company, stage, DealAmount(company), createdAt, closeAt));
        var modified = Min(_now, Max(createdAt, stage.StartsWith("closed", StringComparison.Ordinal) ? closeAt : createdAt.AddDays(_random.Next(0, 5))));
        deal.Properties["hs_lastmodifieddate"] = Iso(modified);
        _data.Associate(ObjectType.Deals, deal.Id, ObjectType.Contacts, contact.Id);
        if (company is not null)
        {
            _data.Associate(ObjectType.Deals, deal.Id, ObjectType.Companies, company.Id, primary: true);
        }

        return deal;
    }

    private void SeedEngagement(ObjectType type, Dictionary<string, string> properties, CrmObject contact, CrmObject? company, CrmObject? deal, DateTimeOffset? createdAt = null)
    {
        var at = PropertyValues.ParseInstant(properties["hs_timestamp"])!.Value;
        var engagement = Put(type, createdAt ?? Min(_now, at.AddSeconds(_random.Next(0, 600))), properties);
        _data.Associate(ObjectType.Contacts, contact.Id, type, engagement.Id);
        if (company is not null)
        {
            _data.Associate(ObjectType.Companies, company.Id, type, engagement.Id);
        }

        if (deal is not null && Chance(0.5))
        {
            _data.Associate(ObjectType.Deals, deal.Id, type, engagement.Id);
        }
    }

    private static Dictionary<string, string> Engagement(DateTimeOffset at, string ownerId, Dictionary<string, string> properties)
    {
        properties["hs_timestamp"] = Iso(at);
        properties["hubspot_owner_id"] = ownerId;
        return properties;
    }

    private CrmObject Put(ObjectType type, DateTimeOffset createdAt, Dictionary<string, string> properties)
    {
        var obj = _data.NewObject(type, createdAt);
        foreach (var (name, value) in properties)
        {
            if (value.Length > 0)
            {
                obj.Properties[name] = value;
            }
        }

        _data.IndexEmail(obj, null);
        return obj;
    }

    private string UniqueEmail(string local, string domain)
    {
        var email = $"{local}@{domain}";
        for (var n = 2; _data.ContactsByEmail.ContainsKey(email); n++)
        {
            email = $"{local}{n}@{domain}";
        }

        return email;
    }

    private string Phone(Country country) =>
        $"{country.PhonePrefix} {_random.Next(20, 999)} {_random.Next(100, 999)} {_random.Next(1000, 9999)}";

    private string PickCountry()
    {
        if (Chance(0.05))
        {
            return "";
        }

        var roll = _random.Next(SyntheticData.Countries.Sum(c => c.Weight));
        foreach (var country in SyntheticData.Countries)
        {
            roll -= country.Weight;
            if (roll < 0)
            {
                return country.Variants.Length > 0 && Chance(0.25) ? Pick(country.Variants) : country.Name;
            }
        }

        return SyntheticData.Countries[0].Name;
    }

    /// <summary>Lower-case ASCII for email local parts and domains: "Müller" → "mueller", "O'Brien" → "obrien".</summary>
    private static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(c switch
            {
                'ä' => "ae",
                'ö' => "oe",
                'ü' => "ue",
                'ß' => "ss",
                'é' or 'è' or 'ê' => "e",
                'á' or 'à' or 'ã' => "a",
                'í' => "i",
                'ó' or 'õ' => "o",
                'ú' => "u",
                'ñ' => "n",
                _ when char.IsAsciiLetterOrDigit(c) => c.ToString(),
                _ => "",
            });
        }

        return builder.ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private bool Chance(double p) => _random.NextDouble() < p;

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    private int Poisson(double lambda)
    {
        var limit = Math.Exp(-Math.Min(lambda, 50));
        var k = 0;
        for (var product = _random.NextDouble(); product > limit; product *= _random.NextDouble())
        {
            k++;
        }

        return k;
    }

    private int Binomial(int n, double p)
    {
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            k += Chance(p) ? 1 : 0;
        }

        return k;
    }

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : DateTimeOffset.FromUnixTimeMilliseconds(from.ToUnixTimeMilliseconds() + _random.NextInt64(to.ToUnixTimeMilliseconds() - from.ToUnixTimeMilliseconds()));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The contact's activity roll-ups, as HubSpot calculates them from its engagements.</summary>
    private sealed class Activity
    {
        private DateTimeOffset? _lastContacted;
        private DateTimeOffset? _lastReplied;
        private DateTimeOffset? _lastOpened;
        private DateTimeOffset? _lastSales;
        private int _contacted;
        private int _activities;

        public DateTimeOffset? Last { get; private set; }

        public void Add(DateTimeOffset at) => Last = Later(Last, at);

        public void Contacted(DateTimeOffset at)
        {
            _contacted++;
            _activities++;
            _lastContacted = Later(_lastContacted, at);
            _lastSales = Later(_lastSales, at);
            Add(at);
        }

        public void Replied(DateTimeOffset at)
        {
            _activities++;
            _lastReplied = Later(_lastReplied, at);
            _lastSales = Later(_lastSales, at);
            Add(at);
        }

        public void Opened(DateTimeOffset at)
        {
            _lastOpened = Later(_lastOpened, at);
            Add(at);
        }

        public void Noted(DateTimeOffset at)
        {
            _activities++;
            _lastSales = Later(_lastSales, at);
            Add(at);
        }

        public void WriteTo(Dictionary<string, string> properties)
        {
            properties["num_contacted_notes"] = Text(_contacted);
            properties["num_notes"] = Text(_activities);
            Set("notes_last_contacted", _lastContacted);
            Set("notes_last_updated", _lastSales);
            Set("hs_last_sales_activity_timestamp", _lastSales);
            Set("hs_sales_email_last_replied", _lastReplied);
            Set("hs_sales_email_last_opened", _lastOpened);

            void Set(string name, DateTimeOffset? at)
            {
                if (at is { } value)
                {
                    properties[name] = Iso(value);
                }
            }
        }

        private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
    }
}
