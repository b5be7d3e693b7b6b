using System.Net.Http.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Alerts;

/// <summary>
/// Posts <c>{"text": "..."}</c> to LEAD_SCORE_ALERT_WEBHOOK_URL — the body both Slack and Teams incoming webhooks accept.
/// Without the setting, alerts are only logged.
/// </summary>
internal sealed partial class WebhookAlertSink(IHttpClientFactory http, IOptions<LeadScoringSettings> settings, ILogger<WebhookAlertSink> logger) : IAlertSink
{
    public const string HttpClientName = "admin-alerts";

    public async Task SendAsync(AdminAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = Format(alert);
        if (settings.Value.AlertWebhookUrl is not { } url)
        {
            LogNotConfigured(logger, text);
            return;
        }

        using var client = http.CreateClient(HttpClientName);
        using var response = await client.PostAsJsonAsync(url, new AlertMessage(text), AlertJsonContext.Default.AlertMessage, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The one line posted: kind, what happened, and how many alerts of the kind were held back before it.</summary>
    public static string Format(AdminAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var held = alert.Suppressed > 0 ? $" ({alert.Suppressed} similar alert(s) held back since the last one)" : "";
        return $"LeadScoring {Title(alert.Kind)}: {alert.Text}{held} at {alert.At:yyyy-MM-dd HH:mm:ss} UTC";
    }

    private static string Title(AlertKind kind) => kind switch
    {
        AlertKind.PoisonMessage => "poison message",
        AlertKind.ErrorRate => "HubSpot error rate",
        AlertKind.HubSpotAuthFailure => "HubSpot authentication failure",
        AlertKind.WrongKeyBurst => "wrong caller keys",
        _ => "model promotion refused",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin alert (LEAD_SCORE_ALERT_WEBHOOK_URL not set): {Text}")]
    private static partial void LogNotConfigured(ILogger logger, string text);
}

/// <summary>The incoming-webhook body.</summary>
internal sealed record AlertMessage(string Text);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertMessage))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
