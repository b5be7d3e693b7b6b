using System.Text.Json;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.HubSpot;

/// <summary>HubSpot objects → LeadFeatures: derived numbers come out right and no PII crosses the boundary.</summary>
[TestFixture]
public sealed class LeadFeaturesMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Map_ContactWithPii_FeaturesContainNoneOfIt()
    {
        string[] pii = ["Ada", "Lovelace", "ada.lovelace@example.com", "+44 20 7946 0958", "12 Analytical Row", "Lovelace Engines Ltd", "lovelace-engines.example"];
        var contact = Obj("51", ("firstname", "Ada"), ("lastname", "Lovelace"), ("email", "ada.lovelace@example.com"), ("phone", "+44 20 7946 0958"),
            ("address", "12 Analytical Row"), ("lifecyclestage", "salesqualifiedlead"), ("hs_analytics_source", "ORGANIC_SEARCH"));
        var company = Obj("9001", ("name", "Lovelace Engines Ltd"), ("domain", "lovelace-engines.example"), ("industry", "COMPUTER_SOFTWARE"), ("country", "United Kingdom"));
        var note = new HubSpotEngagement("notes", Obj("700", ("hs_timestamp", Iso(Now.AddDays(-1))), ("hs_note_body", "Call Ada Lovelace on +44 20 7946 0958 or ada.lovelace@example.com")));
        var email = new HubSpotEngagement("emails", Obj("701", ("hs_timestamp", Iso(Now.AddDays(-2))), ("hs_email_direction", "INCOMING_EMAIL"), ("hs_email_subject", "Re: Ada's pricing"), ("hs_email_text", "Thanks, Ada Lovelace")));

        var features = LeadFeaturesMapper.Map(new HubSpotLeadRecord(contact, company, [], [note, email]), Now);
        var json = JsonSerializer.Serialize(features, ScoringJsonContext.Default.LeadFeatures);
        var scoreJson = JsonSerializer.Serialize(new LeadScorer(ScoringProfile.Default, TimeProvider.System).Score(features), ScoringJsonContext.Default.LeadScore);

        foreach (var value in pii)
        {
            Assert.That(json, Does.Not.Contain(value), "features");
            Assert.That(scoreJson, Does.Not.Contain(value), "score");
        }

        Assert.That(features.Country, Is.EqualTo("GB"));
    }

    [Test]
    public void Map_FreeTextInACodeField_IsDropped()
    {
        var contact = Obj("51", ("lifecyclestage", "call ada@example.com"), ("hs_analytics_source", "Ada Lovelace"));

        var features = LeadFeaturesMapper.Map(new HubSpotLeadRecord(contact, null, [], []), Now);

        Assert.That(features.LifecycleStage, Is.Null);
        Assert.That(features.LeadSource, Is.Null);
    }

    [Test]
    public void Map_FullRecord_DerivesEveryFeature()
    {
        var contact = Obj("51", ("lifecyclestage", "salesqualifiedlead"), ("hs_analytics_source", "referrals"), ("hs_email_open", "7"), ("hs_email_click", "2"));
        var company = Obj("9001", ("industry", "computer_software"), ("numberofemployees", "250"), ("annualrevenue", "12000000.50"), ("country", "DE"));
        HubSpotObject[] deals =
        [
            Obj("1", ("dealstage", "closedwon"), ("hs_is_closed", "true"), ("hs_is_closed_won", "true"), ("amount", "30000"), ("createdate", Iso(Now.AddDays(-100))), ("closedate", Iso(Now.AddDays(-60)))),
            Obj("2", ("dealstage", "closedwon"), ("hs_is_closed", "true"), ("hs_is_closed_won", "true"), ("amount", "50000"), ("createdate", Iso(Now.AddDays(-90))), ("closedate", Iso(Now.AddDays(-70)))),
            Obj("3", ("dealstage", "closedlost"), ("hs_is_closed", "true"), ("hs_is_closed_won", "false"), ("amount", "10000"), ("createdate", Iso(Now.AddDays(-80))), ("closedate", Iso(Now.AddDays(-20)))),
            Obj("4", ("dealstage", "contractsent"), ("hs_is_closed", "false"), ("hs_deal_stage_probability", "0.9")),
            Obj("5", ("dealstage", "qualifiedtobuy"), ("hs_is_closed", "false"), ("hs_deal_stage_probability", "0.4")),
        ];
        HubSpotEngagement[] engagements =
        [
            Eng("emails", Now.AddDays(-10), ("hs_email_direction", "EMAIL")),
            Eng("emails", Now.AddDays(-10).AddHours(4), ("hs_email_direction", "INCOMING_EMAIL")),
            Eng("emails", Now.AddDays(-3), ("hs_email_direction", "EMAIL")),
            Eng("emails", Now.AddDays(-2).AddHours(-14), ("hs_email_direction", "INCOMING_EMAIL")),
            Eng("meetings", Now.AddDays(-5), ("hs_meeting_outcome", "COMPLETED")),
            Eng("meetings", Now.AddDays(-20), ("hs_meeting_outcome", "NO_SHOW")),
            Eng("meetings", Now.AddDays(-25), ("hs_meeting_outcome", "CANCELED")),
            Eng("meetings", Now.AddDays(3), ("hs_meeting_outcome", "SCHEDULED")),
            Eng("calls", Now.AddDays(-1), ("hs_call_disposition", HubSpotProperties.CallConnectedDisposition)),
            Eng("calls", Now.AddDays(-40), ("hs_call_disposition", "73a0d17f-1163-4015-bdd5-ec830791da20")),
            Eng("notes", Now.AddDays(-200)),
        ];

        var f = LeadFeaturesMapper.Map(new HubSpotLeadRecord(contact, company, deals, engagements), Now);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(f.ContactId, Is.EqualTo("51"));
            Assert.That(f.CompanyId, Is.EqualTo("9001"));
            Assert.That(f.Industry, Is.EqualTo("COMPUTER_SOFTWARE"));
            Assert.That(f.EmployeeCount, Is.EqualTo(250));
            Assert.That(f.AnnualRevenue, Is.EqualTo(12000000.50));
            Assert.That(f.Country, Is.EqualTo("DE"));
            Assert.That(f.LeadSource, Is.EqualTo("REFERRALS"));
            Assert.That(f.LifecycleStage, Is.EqualTo("salesqualifiedlead"));
            Assert.That(f.EmailOpens, Is.EqualTo(7));
            Assert.That(f.EmailClicks, Is.EqualTo(2));
            Assert.That(f.EmailReplies, Is.EqualTo(2));
            Assert.That(f.MeetingsBooked, Is.EqualTo(2), "completed + no-show; canceled and future ones do not count");
            Assert.That(f.MeetingsAttended, Is.EqualTo(1));
            Assert.That(f.CallsAttempted, Is.EqualTo(2));
            Assert.That(f.CallsConnected, Is.EqualTo(1));
            Assert.That(f.TotalEngagements, Is.EqualTo(9), "everything in the last 90 days up to now");
            Assert.That(f.LastEngagementAt, Is.EqualTo(Now.AddDays(-1)));
            Assert.That(f.ActivitiesLast7Days, Is.EqualTo(4), "call, two emails, meeting");
            Assert.That(f.ActivitiesLast30Days, Is.EqualTo(8));
            Assert.That(f.ActivitiesLast90Days, Is.EqualTo(9));
            Assert.That(f.MedianResponseHours, Is.EqualTo(7).Within(1e-9), "replies after 4 h and 10 h");
            Assert.That(f.DealsCount, Is.EqualTo(5));
            Assert.That(f.DealsWon, Is.EqualTo(2));
            Assert.That(f.DealsLost, Is.EqualTo(1));
            Assert.That(f.AverageWonAmount, Is.EqualTo(40000));
            Assert.That(f.MedianSalesCycleDays, Is.EqualTo(40).Within(1e-9), "cycles 40, 20, 60 days");
            Assert.That(f.OpenDealStageProbability, Is.EqualTo(0.9));
        }

        Assert.That(LeadFeaturesValidator.Validate(f, TimeProvider.System.GetUtcNow()), Is.Empty);
    }

    [Test]
    public void Map_NothingButAContact_KnownZerosAndUnknownsStayApart()
    {
        var f = LeadFeaturesMapper.Map(new HubSpotLeadRecord(Obj("51"), null, [], []), Now);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(f.MeetingsBooked, Is.Zero, "we looked: no meetings");
            Assert.That(f.DealsCount, Is.Zero);
            Assert.That(f.EmailOpens, Is.Null, "HubSpot had no value");
            Assert.That(f.Industry, Is.Null);
            Assert.That(f.LastEngagementAt, Is.Null);
            Assert.That(f.MedianSalesCycleDays, Is.Null);
            Assert.That(f.OpenDealStageProbability, Is.Null);
        }
    }

    [Test]
    public void Map_IndustryWinRates_AreLookedUpByIndustry()
    {
        var company = Obj("9001", ("industry", "BANKING"));

        var f = LeadFeaturesMapper.Map(new HubSpotLeadRecord(Obj("51"), company, [], []), Now, new Dictionary<string, double> { ["BANKING"] = 0.31 });

        Assert.That(f.IndustryWinRate, Is.EqualTo(0.31));
    }

    [TestCase("United States", "US")]
    [TestCase("usa", "US")]
    [TestCase("Deutschland", "DE")]
    [TestCase("de", "DE")]
    [TestCase("Atlantis", null)]
    [TestCase("", null)]
    public void ToIsoCode_FreeTextCountry_IsNormalised(string input, string? expected)
    {
        Assert.That(Countries.ToIsoCode(input), Is.EqualTo(expected));
    }

    private static HubSpotObject Obj(string id, params (string Name, string Value)[] properties) =>
        new() { Id = id, Properties = properties.ToDictionary(p => p.Name, p => (string?)p.Value) };

    private static HubSpotEngagement Eng(string type, DateTimeOffset at, params (string Name, string Value)[] properties) =>
        new(type, Obj(Guid.NewGuid().ToString("N")[..8], [("hs_timestamp", Iso(at)), .. properties]));

    private static string Iso(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
