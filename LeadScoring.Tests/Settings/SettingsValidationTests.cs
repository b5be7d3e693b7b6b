using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Settings;

/// <summary>Every setting's bad or missing value is reported with the setting's name and what is wrong.</summary>
[TestFixture]
public sealed class SettingsValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["HUBSPOT_ACCESS_TOKEN"] = "pat-na1-0000",
        ["LEAD_SCORE_API_KEYS"] = "Admin=admin-key-0123456789",
    };

    [Test]
    public void Check_ValidMinimalSettings_HasNoErrorsAndDocumentedDefaults()
    {
        var settings = Read(Valid());

        Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.HubSpotBaseUrl, Is.EqualTo(new Uri("https://api.hubapi.com/")));
            Assert.That(settings.UpdateInterval, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(settings.RetrainInterval, Is.EqualTo(TimeSpan.FromDays(7)));
            Assert.That(settings.MinConfidence, Is.EqualTo(0.7));
            Assert.That(settings.HighPriorityWorkflowId, Is.Null);
        }
    }

    [Test]
    public void Check_AllSettingsGiven_ParsesEach()
    {
        var values = Valid();
        values["HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID"] = "12345";
        values["HUBSPOT_PORTAL_ID"] = "987";
        values["HUBSPOT_BASE_URL"] = "http://127.0.0.1:7080";
        values["LEAD_SCORE_UPDATE_INTERVAL"] = "5m";
        values["LEAD_SCORE_MIN_CONFIDENCE"] = "0.85";
        values["LEAD_SCORE_RETRAIN_INTERVAL"] = "14d";
        values["LEAD_SCORE_MODEL_VERSION"] = "model-2026.11.1";

        var settings = Read(values);

        Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.HighPriorityWorkflowId, Is.EqualTo(12345));
            Assert.That(settings.PortalId, Is.EqualTo(987));
            Assert.That(settings.HubSpotBaseUrl, Is.EqualTo(new Uri("http://127.0.0.1:7080/")));
            Assert.That(settings.UpdateInterval, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(settings.MinConfidence, Is.EqualTo(0.85));
            Assert.That(settings.RetrainInterval, Is.EqualTo(TimeSpan.FromDays(14)));
            Assert.That(settings.ModelVersion, Is.EqualTo("model-2026.11.1"));
        }
    }

    [TestCase("HUBSPOT_ACCESS_TOKEN", null, "is required")]
    [TestCase("HUBSPOT_ACCESS_TOKEN", "Bearer pat-123", "must not contain spaces")]
    [TestCase("AzureWebJobsStorage", null, "is required")]
    [TestCase("AzureWebJobsStorage", "DefaultEndpointsProtocol=https", "needs UseDevelopmentStorage=true")]
    [TestCase("AzureWebJobsStorage", "this is not = a connection ; string =", "")]
    [TestCase("LEAD_SCORE_API_KEYS", null, "is required")]
    [TestCase("HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID", "abc", "positive whole number")]
    [TestCase("HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID", "-5", "positive whole number")]
    [TestCase("HUBSPOT_PORTAL_ID", "12.5", "positive whole number")]
    [TestCase("HUBSPOT_BASE_URL", "api.hubapi.com", "absolute http(s) URL")]
    [TestCase("HUBSPOT_BASE_URL", "ftp://api.hubapi.com", "absolute http(s) URL")]
    [TestCase("HUBSPOT_BASE_URL", "http://api.hubapi.com", "must use https")]
    [TestCase("LEAD_SCORE_UPDATE_INTERVAL", "5", "must be a duration")]
    [TestCase("LEAD_SCORE_UPDATE_INTERVAL", "soon", "must be a duration")]
    [TestCase("LEAD_SCORE_UPDATE_INTERVAL", "10s", "between 1 minute and 24 hours")]
    [TestCase("LEAD_SCORE_UPDATE_INTERVAL", "2d", "between 1 minute and 24 hours")]
    [TestCase("LEAD_SCORE_RETRAIN_INTERVAL", "30m", "between 1 hour and 90 days")]
    [TestCase("LEAD_SCORE_RETRAIN_INTERVAL", "weekly", "must be a duration")]
    [TestCase("LEAD_SCORE_DECAY_INTERVAL", "30m", "between 1 hour and 7 days")]
    [TestCase("LEAD_SCORE_DECAY_INTERVAL", "8d", "between 1 hour and 7 days")]
    [TestCase("LEAD_SCORE_DECAY_INTERVAL", "daily", "must be a duration")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCE", "high", "must be a number between 0 and 1")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCE", "1.5", "between 0 and 1")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCE", "-0.1", "between 0 and 1")]
    [TestCase("LEAD_SCORE_MODEL_VERSION", "v1; drop", "letters, digits")]
    [TestCase("LEAD_SCORE_OUTCOME_WINDOW", "a quarter", "must be a duration")]
    [TestCase("LEAD_SCORE_OUTCOME_WINDOW", "10s", "between 1 minute and 730 days")]
    [TestCase("LEAD_SCORE_TRAINING_RECORD_WEIGHT", "heavy", "must be a number such as 0.5")]
    [TestCase("LEAD_SCORE_TRAINING_RECORD_WEIGHT", "-1", "between 0 and 10")]
    [TestCase("LEAD_SCORE_WEIGHT_BAND", "0.5", "between 0 and 0.3")]
    [TestCase("LEAD_SCORE_WEIGHT_BAND", "wide", "must be a number such as 0.1")]
    [TestCase("LEAD_SCORE_MIN_OUTCOMES", "10", "between 20 and 10000000")]
    [TestCase("LEAD_SCORE_MIN_OUTCOMES", "200.5", "a whole number")]
    [TestCase("LEAD_SCORE_MIN_POSITIVES", "2", "at least 5 and at most LEAD_SCORE_MIN_OUTCOMES")]
    [TestCase("LEAD_SCORE_MIN_POSITIVES", "500", "at most LEAD_SCORE_MIN_OUTCOMES (200)")]
    [TestCase("LEAD_SCORE_PROFILE_PATH", "/nonexistent/profile.json", "file not found")]
    [TestCase("AZURE_CLIENT_ID", "leadscoring-identity", "a GUID")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCY", "0.7", "Did you mean LEAD_SCORE_MIN_CONFIDENCE?")]
    [TestCase("HUBSPOT_PORTAL", "123", "is not a setting LeadScoring reads")]
    [TestCase("LEAD_SCORE_ALERT_WEBHOOK_URL", "hooks.slack.com/services/T0", "must be an absolute http(s) URL")]
    [TestCase("LEAD_SCORE_ALERT_WEBHOOK_URL", "ftp://hooks.example.com/x", "must be an absolute http(s) URL")]
    [TestCase("LEAD_SCORE_ALERT_WEBHOOK_URL", "/relative/path", "must be an absolute http(s) URL")]
    [TestCase("LEAD_SCORE_ALERT_ERROR_RATE", "half", "a share of failed calls")]
    [TestCase("LEAD_SCORE_ALERT_ERROR_RATE", "0", "above 0 and at most 1")]
    [TestCase("LEAD_SCORE_ALERT_ERROR_RATE", "1.5", "above 0 and at most 1")]
    [TestCase("LEAD_SCORE_ALERT_WINDOW", "2s", "between 5 seconds and 1 hour")]
    [TestCase("LEAD_SCORE_ALERT_WINDOW", "a while", "must be a duration")]
    [TestCase("LEAD_SCORE_ALERT_QUIET_PERIOD", "1s", "between 10 seconds and 7 days")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_BACKLOG", "many", "a whole number of queued score requests")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_BACKLOG", "12.5", "a whole number of queued score requests")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_BACKLOG", "0", "between 1 and 10,000,000")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_P95", "slow", "must be a duration")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_P95", "0.01s", "between 100 ms and 10 minutes")]
    [TestCase("LEAD_SCORE_HEALTH_MAX_P95", "1h", "between 100 ms and 10 minutes")]
    [TestCase("LEAD_SCORE_ENTRA_CLIENT_ID", null, "go together")]
    [TestCase("LEAD_SCORE_ENTRA_INSTANCE", "login.microsoftonline.com", "must be an absolute http(s) URL")]
    public void Check_BadOrMissingValue_NamesTheSetting(string name, string? value, string expected)
    {
        var values = Valid();
        values[name] = value;
        if (name == "LEAD_SCORE_ENTRA_CLIENT_ID")
        {
            values["LEAD_SCORE_ENTRA_TENANT_ID"] = "contoso.onmicrosoft.com"; // the tenant alone: the client id is what is missing
        }

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.Select(e => e.Field), Is.All.EqualTo(name));
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains(expected));
    }

    [Test]
    public void Check_IdentityBasedStorage_IsAccepted()
    {
        var values = Valid();
        values.Remove("AzureWebJobsStorage");
        values["AzureWebJobsStorage:accountName"] = "leadscoringprod";

        var settings = Read(values);

        Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
        Assert.That(settings.StorageAccountName, Is.EqualTo("leadscoringprod"));
    }

    [Test]
    public void Check_UnknownSettingInASection_IsNamedAsAnEnvironmentVariable()
    {
        var values = Valid();
        values["HubSpot:AccessToken"] = "pat-na1-0000";
        values["HubSpot:MaxAttempts"] = "5";
        values["OTHER_APP_SETTING"] = "not ours";

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "HubSpot__AccessToken" }));
    }

    [Test]
    public void KnownSettings_EverySettingClass_IsListedOnce()
    {
        Assert.That(KnownSettings.All, Is.Unique);
        Assert.That(KnownSettings.All, Is.SupersetOf(LeadScoringSettings.AllNames)
            .And.SupersetOf(LeadScoring.Core.AI.AnalystOptions.AllNames)
            .And.SupersetOf(LeadScoring.Core.Training.AzureSearch.AzureSearchOptions.AllNames)
            .And.Contains("AZURE_OPENAI_EMBEDDING_DEPLOYMENT")
            .And.Contains("HubSpot__RequestsPer10Seconds")
            .And.Contains("AzureWebJobsStorage__clientId"));
        Assert.That(KnownSettings.IsKnown("AzureWebJobsStorage:ACCOUNTNAME"), Is.True);
    }

    [Test]
    public void Check_InvalidProfileFile_NamesSettingAndProfileField()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "weights": { "fit": 0.5, "engagement": 0.5, "outcome": 0.5, "recency": 0 } }""");
            var values = Valid();
            values["LEAD_SCORE_PROFILE_PATH"] = path;

            var errors = LeadScoringSettingsValidator.Check(Read(values));

            Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors));
            Assert.That(errors[0].Field, Is.EqualTo("LEAD_SCORE_PROFILE_PATH"));
            Assert.That(errors[0].Message, Does.Contain("weights").And.Contain("sum to 1"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Check_SeveralBadSettings_ReportsEachOnce()
    {
        var values = Valid();
        values["HUBSPOT_ACCESS_TOKEN"] = null;
        values["LEAD_SCORE_MIN_CONFIDENCE"] = "2";
        values["LEAD_SCORE_UPDATE_INTERVAL"] = "x";

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors.Select(e => e.Field), Is.EquivalentTo(new[] { "HUBSPOT_ACCESS_TOKEN", "LEAD_SCORE_MIN_CONFIDENCE", "LEAD_SCORE_UPDATE_INTERVAL" }));
    }

    [Test]
    public void Check_ErrorsNeverEchoTheToken()
    {
        var values = Valid();
        values["HUBSPOT_ACCESS_TOKEN"] = "pat secret-token-value";

        var errors = LeadScoringSettingsValidator.Check(Read(values));

        Assert.That(errors.Select(e => e.ToString()), Has.None.Contains("secret-token-value"));
    }

    private static LeadScoringSettings Read(Dictionary<string, string?> values)
    {
        var settings = new LeadScoringSettings();
        settings.ReadFrom(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return settings;
    }
}
