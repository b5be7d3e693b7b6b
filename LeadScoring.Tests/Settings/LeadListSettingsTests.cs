using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Settings;

/// <summary>LEAD_SCORE_KEY_OWNERS (key → HubSpot owner for "My leads") and LEAD_SCORE_CLOSED_LIFECYCLE_STAGES, checked at start-up.</summary>
[TestFixture]
public sealed class LeadListSettingsTests
{
    private const string RepKey = "rep-key-0123456789abcdef";
    private const string OtherRepKey = "rep-key-fedcba9876543210";

    private static Dictionary<string, string?> Valid() => new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["HUBSPOT_ACCESS_TOKEN"] = "pat-na1-0000",
        ["LEAD_SCORE_API_KEYS"] = $"Admin=admin-key-0123456789;Rep={RepKey};Rep={OtherRepKey}",
    };

    [Test]
    public void KeyOwners_EachRepKeyMapped_GivesEachKeysOwner()
    {
        var values = Valid();
        values["LEAD_SCORE_KEY_OWNERS"] = $"{RepKey}=81000001; {OtherRepKey}=81000002";

        var settings = Read(values);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
            Assert.That(settings.KeyOwners.Count, Is.EqualTo(2));
            Assert.That(settings.KeyOwners.OwnerOfFingerprint(settings.ApiKeys.FingerprintOf(OtherRepKey)), Is.EqualTo("81000002"));
            Assert.That(settings.KeyOwners.OwnerOfFingerprint(settings.ApiKeys.FingerprintOf("admin-key-0123456789")), Is.Null);
        }
    }

    [TestCase("81000001", "must look like key=ownerId")]
    [TestCase(RepKey + "=", "needs a HubSpot owner id")]
    [TestCase(RepKey + "=alex.rivera@example.com", "needs a HubSpot owner id")]
    [TestCase(RepKey + "=123456789012345678901", "needs a HubSpot owner id")]
    [TestCase("not-a-configured-key-000=81000001", "names a key that is not in LEAD_SCORE_API_KEYS")]
    [TestCase(RepKey + "=81000001;" + RepKey + "=81000002", "repeats a key already mapped")]
    public void KeyOwners_BadEntry_NamesTheSettingWithoutTheKey(string value, string expected)
    {
        var values = Valid();
        values["LEAD_SCORE_KEY_OWNERS"] = value;

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors.Select(e => e.Field), Is.Not.Empty.And.All.EqualTo("LEAD_SCORE_KEY_OWNERS"));
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains(expected));
        Assert.That(errors.Select(e => e.Message), Has.None.Contains(RepKey).And.None.Contains("not-a-configured-key-000"));
    }

    [Test]
    public void ClosedStages_Given_AreReadLowercase()
    {
        var values = Valid();
        values["LEAD_SCORE_CLOSED_LIFECYCLE_STAGES"] = "Customer, evangelist ,other";

        var settings = Read(values);

        Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
        Assert.That(settings.ClosedLifecycleStages, Is.EqualTo(new[] { "customer", "evangelist", "other" }));
    }

    [TestCase("customers")]
    [TestCase(",")]
    [TestCase("customer;evangelist")]
    public void ClosedStages_Bad_NamesTheSetting(string value)
    {
        var values = Valid();
        values["LEAD_SCORE_CLOSED_LIFECYCLE_STAGES"] = value;

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors.Select(e => e.Field), Is.Not.Empty.And.All.EqualTo("LEAD_SCORE_CLOSED_LIFECYCLE_STAGES"));
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains("HubSpot lifecycle stages"));
    }

    private static LeadScoringSettings Read(Dictionary<string, string?> values)
    {
        var settings = new LeadScoringSettings();
        settings.ReadFrom(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return settings;
    }
}
