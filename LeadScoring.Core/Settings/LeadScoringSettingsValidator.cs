using LeadScoring.Core.Scoring;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Settings;

/// <summary>Start-up validation: each failure is one line naming the setting and what is wrong with it.</summary>
internal sealed class LeadScoringSettingsValidator : IValidateOptions<LeadScoringSettings>
{
    public ValidateOptionsResult Validate(string? name, LeadScoringSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"{e.Field}: {e.Message}"));
    }

    public static IReadOnlyList<ValidationError> Check(LeadScoringSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var errors = new List<ValidationError>(s.ParseErrors);

        var oauth = s.HubSpotRefreshToken is not null || s.HubSpotClientId is not null;
        if (string.IsNullOrEmpty(s.HubSpotAccessToken) && !oauth)
        {
            errors.Add(new(LeadScoringSettings.HubSpotAccessTokenName, "is required: the HubSpot private-app access token (Settings > Integrations > Private apps), or OAuth settings HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN"));
        }
        else if (string.IsNullOrEmpty(s.HubSpotAccessToken))
        {
            foreach (var (name, value) in new[]
            {
                (LeadScoringSettings.HubSpotClientIdName, s.HubSpotClientId),
                (LeadScoringSettings.HubSpotClientSecretName, s.HubSpotClientSecret),
                (LeadScoringSettings.HubSpotRefreshTokenName, s.HubSpotRefreshToken),
            })
            {
                if (value is null)
                {
                    errors.Add(new(name, "is required for OAuth (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN go together), or set HUBSPOT_ACCESS_TOKEN instead"));
                }
            }
        }
        else if (s.HubSpotAccessToken.Any(char.IsWhiteSpace))
        {
            errors.Add(new(LeadScoringSettings.HubSpotAccessTokenName, "must not contain spaces (paste the token alone, without 'Bearer')"));
        }

        // A token sent over plain HTTP to anything but this machine would leak it.
        if (s.HubSpotBaseUrl.Scheme == Uri.UriSchemeHttp && !s.HubSpotBaseUrl.IsLoopback)
        {
            errors.Add(new(LeadScoringSettings.HubSpotBaseUrlName, $"must use https unless it points at this machine (got '{s.HubSpotBaseUrl}')"));
        }

        if (s.UpdateInterval < TimeSpan.FromMinutes(1) || s.UpdateInterval > TimeSpan.FromDays(1))
        {
            errors.Add(new(LeadScoringSettings.UpdateIntervalName, $"must be between 1 minute and 24 hours (got {s.UpdateInterval})"));
        }

        if (s.RetrainInterval < TimeSpan.FromHours(1) || s.RetrainInterval > TimeSpan.FromDays(90))
        {
            errors.Add(new(LeadScoringSettings.RetrainIntervalName, $"must be between 1 hour and 90 days (got {s.RetrainInterval})"));
        }

        if (s.DecayInterval < TimeSpan.FromHours(1) || s.DecayInterval > TimeSpan.FromDays(7))
        {
            errors.Add(new(LeadScoringSettings.DecayIntervalName, $"must be between 1 hour and 7 days (got {s.DecayInterval})"));
        }

        if (!(s.MinConfidence is >= 0 and <= 1))
        {
            errors.Add(new(LeadScoringSettings.MinConfidenceName, $"must be between 0 and 1 (got {s.MinConfidence})"));
        }

        if (s.OutcomeWindow < TimeSpan.FromMinutes(1) || s.OutcomeWindow > TimeSpan.FromDays(730))
        {
            errors.Add(new(LeadScoringSettings.OutcomeWindowName, $"must be between 1 minute and 730 days (got {s.OutcomeWindow})"));
        }

        if (!(s.TrainingRecordWeight is >= 0 and <= 10))
        {
            errors.Add(new(LeadScoringSettings.TrainingRecordWeightName, $"must be between 0 and 10 (got {s.TrainingRecordWeight})"));
        }

        if (!(s.WeightBand is >= 0 and <= 0.3))
        {
            errors.Add(new(LeadScoringSettings.WeightBandName, $"must be between 0 and 0.3 (got {s.WeightBand})"));
        }

        if (s.MinOutcomes is < 20 or > 10_000_000)
        {
            errors.Add(new(LeadScoringSettings.MinOutcomesName, $"must be between 20 and 10000000 (got {s.MinOutcomes})"));
        }

        if (s.MinPositives < 5 || (s.MinOutcomes >= 20 && s.MinPositives > s.MinOutcomes))
        {
            errors.Add(new(LeadScoringSettings.MinPositivesName, $"must be at least 5 and at most {LeadScoringSettings.MinOutcomesName} ({s.MinOutcomes}) (got {s.MinPositives})"));
        }
        CheckAlertsAndSignIn(s, errors);

        if (s.ModelVersion is { } version && (version.Length > 64 || !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            errors.Add(new(LeadScoringSettings.ModelVersionName, "must be 1–64 characters of letters, digits, '.', '-' or '_'"));
        }

        if (s.ScoringProfilePath is { } path)
        {
            CheckProfile(path, errors);
        }

        errors.AddRange(s.Storage.Validate());
        if (s.StoragePrefix.Length > 0 && !(s.StoragePrefix.Length <= 12 && char.IsAsciiLetterLower(s.StoragePrefix[0]) && s.StoragePrefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))))
        {
            errors.Add(new(LeadScoringSettings.StoragePrefixName, $"must be a lowercase letter followed by lowercase letters or digits, at most 12 characters (got '{s.StoragePrefix}')"));
        }

        if (s.ApiKeys.Count == 0 && !s.ParseErrors.Any(e => e.Field == LeadScoringSettings.ApiKeysName))
        {
            errors.Add(new(LeadScoringSettings.ApiKeysName, "is required: at least one caller key, as Role=key;Role=key (roles: Admin, Manager, Rep, Marketing)"));
        }

        return errors;
    }

    private static void CheckAlertsAndSignIn(LeadScoringSettings s, List<ValidationError> errors)
    {
        if (!(s.AlertErrorRate is > 0 and <= 1))
        {
            errors.Add(new(LeadScoringSettings.AlertErrorRateName, $"must be above 0 and at most 1 (got {s.AlertErrorRate})"));
        }

        if (s.HealthMaxBacklog is < 1 or > 10_000_000)
        {
            errors.Add(new(LeadScoringSettings.HealthMaxBacklogName, $"must be between 1 and 10,000,000 queued score requests (got {s.HealthMaxBacklog})"));
        }

        if (s.HealthMaxP95 < TimeSpan.FromMilliseconds(100) || s.HealthMaxP95 > TimeSpan.FromMinutes(10))
        {
            errors.Add(new(LeadScoringSettings.HealthMaxP95Name, $"must be between 100 ms and 10 minutes (got {s.HealthMaxP95})"));
        }

        if (s.AlertWindow < TimeSpan.FromSeconds(5) || s.AlertWindow > TimeSpan.FromHours(1))
        {
            errors.Add(new(LeadScoringSettings.AlertWindowName, $"must be between 5 seconds and 1 hour (got {s.AlertWindow})"));
        }

        if (s.AlertQuietPeriod < TimeSpan.FromSeconds(10) || s.AlertQuietPeriod > TimeSpan.FromDays(7))
        {
            errors.Add(new(LeadScoringSettings.AlertQuietPeriodName, $"must be between 10 seconds and 7 days (got {s.AlertQuietPeriod})"));
        }

        if ((s.EntraTenantId is null) != (s.EntraClientId is null))
        {
            var missing = s.EntraTenantId is null ? LeadScoringSettings.EntraTenantIdName : LeadScoringSettings.EntraClientIdName;
            errors.Add(new(missing, $"is required for Entra ID sign-in ({LeadScoringSettings.EntraTenantIdName} and {LeadScoringSettings.EntraClientIdName} go together)"));
        }
    }

    private static void CheckProfile(string path, List<ValidationError> errors)
    {
        const string Name = LeadScoringSettings.ScoringProfilePathName;
        if (!File.Exists(path))
        {
            errors.Add(new(Name, $"file not found: '{path}'"));
            return;
        }

        try
        {
            ScoringProfileLoader.Parse(File.ReadAllText(path));
        }
        catch (InputValidationException ex)
        {
            errors.AddRange(ex.Errors.Select(e => new ValidationError(Name, $"'{path}' field {e.Field} {e.Message}")));
        }
        catch (IOException ex)
        {
            errors.Add(new(Name, $"'{path}' cannot be read: {ex.Message}"));
        }
    }
}
