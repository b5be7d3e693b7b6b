using System.ClientModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LeadScoring.Core.Scoring;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeadScoring.Core.AI;

/// <summary>
/// The AI analyst: asks a chat model (behind <see cref="IChatClient"/>) for a second opinion on a scored lead, with
/// structured JSON output, and checks the answer itself. Any failure — an exception, an HTTP error such as 429, the
/// timeout, a reply that is not the JSON asked for, or a confidence below the minimum — gives a fallback verdict
/// saying why, and the deterministic score stands. Only the caller's own cancellation propagates.
/// </summary>
internal sealed partial class LeadAnalyst : ILeadAnalyst
{
    /// <summary>Name of the JSON schema sent as the response format.</summary>
    public const string SchemaName = "lead_analysis";

    public const int MaxReasons = 5;

    public const int MaxReasonLength = 300;

    /// <summary>The Fit values, by the priority bands (80 / 50).</summary>
    public static IReadOnlyList<string> Fits { get; } = ["High", "Medium", "Low"];

    /// <summary>The next-best-action values, spelled as written to HubSpot.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["Follow-up", "Nurture", "Close"];

    /// <summary>
    /// The response schema. Written for strict structured outputs: every field required, no additional properties, and
    /// none of the keywords strict mode refuses (minimum, maximum, minItems, maxItems), so the ranges are given in the
    /// descriptions and checked by <see cref="TryParseReply"/> — a model or a stand-in may ignore the schema anyway.
    /// </summary>
    internal const string SchemaJson = """
        {
          "type": "object",
          "properties": {
            "score": { "type": "integer", "description": "Lead score, a whole number from 0 to 100." },
            "fit": { "type": "string", "enum": ["High", "Medium", "Low"], "description": "High for scores 80-100, Medium for 50-79, Low for 0-49." },
            "nextBestAction": { "type": "string", "enum": ["Follow-up", "Nurture", "Close"], "description": "What the sales rep should do next." },
            "reasons": { "type": "array", "items": { "type": "string" }, "description": "1 to 5 short reasons in plain English, strongest first." },
            "confidence": { "type": "number", "description": "Your confidence in this assessment, from 0 to 1." }
          },
          "required": ["score", "fit", "nextBestAction", "reasons", "confidence"],
          "additionalProperties": false
        }
        """;

    internal const string SystemPrompt = """
        You are a B2B sales analyst. You review one lead and the rules-based score it already has, and give your own assessment.
        The user message is JSON with:
        - "lead": the lead's features (HubSpot codes and counts; null means unknown, 0 means known to be zero; engagement counts cover engagementWindowDays),
        - "deterministic": the rules-based score (0-100), its priority, next action, confidence and the reasons that moved it most (signed points),
        - "neighbours": hand-classified training records this lead resembles (classification Ideal or Less Ideal, their score, cosine similarity 0-1).
        Rules:
        - score: a whole number from 0 to 100; stay close to the deterministic score unless the evidence clearly says otherwise.
        - fit: High when score is 80-100, Medium when 50-79, Low when 0-49.
        - nextBestAction: Close when an open deal is at 80% stage probability or more and fit is High or Medium; Follow-up for High leads and for recently engaged Medium leads; otherwise Nurture.
        - reasons: 1 to 5 short sentences in plain English for a sales rep, strongest first, citing the evidence.
        - confidence: from 0 to 1, how sure you are; lower it when much data is unknown or the evidence conflicts.
        Answer only with the JSON object described by the response schema.
        """;

    private static readonly string[] FieldNames = ["score", "fit", "nextBestAction", "reasons", "confidence"];

    private static readonly JsonElement Schema = JsonDocument.Parse(SchemaJson).RootElement.Clone();

    private readonly IChatClient _chat;
    private readonly AnalystOptions _options;
    private readonly ILogger _logger;

    public LeadAnalyst(IChatClient chatClient, AnalystOptions options, ILogger<LeadAnalyst>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(options);
        _chat = chatClient;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<AnalystVerdict> AnalyzeAsync(LeadFeatures features, LeadScore deterministic, IReadOnlyList<SimilarRecord> neighbours, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(deterministic);
        neighbours ??= [];
        var model = _options.ChatDeployment;

        List<ChatMessage> messages =
        [
            new(ChatRole.System, SystemPrompt),
            new(ChatRole.User, BuildUserMessage(features, deterministic, neighbours)),
        ];
        var chatOptions = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, SchemaName, "A sales analyst's assessment of one lead."),
            Temperature = 0,

            // Strict structured outputs: the service itself holds the model to the schema (sent as json_schema.strict).
            // No MaxOutputTokens: it would be sent as max_completion_tokens, which older deployments refuse.
            AdditionalProperties = new() { ["strict"] = true },
        };

        string text;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.Timeout);
            try
            {
                var response = await _chat.GetResponseAsync(messages, chatOptions, timeout.Token).ConfigureAwait(false);
                text = response.Text;
                model = string.IsNullOrWhiteSpace(response.ModelId) ? model : response.ModelId;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                return Fall($"timed out after {Format(_options.Timeout)}", model);
            }
            catch (ClientResultException e)
            {
                return Fall(DescribeFailure(e), model);
            }
#pragma warning disable CA1031 // The analyst is optional: nothing it does may fail the scoring, whatever the client throws.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                return Fall(DescribeFailure(e), model);
            }
        }

        if (!TryParseReply(text, out var reply, out var problem))
        {
            return Fall($"invalid JSON: {problem}", model);
        }

        if (reply.Confidence < _options.MinConfidence)
        {
            return Fall(string.Create(CultureInfo.InvariantCulture, $"confidence {reply.Confidence:0.###} below {_options.MinConfidence:0.###}"), model);
        }

        Log.Used(_logger, model, reply.Score, reply.Confidence);
        return new AnalystVerdict(false, null, reply.Score, reply.Fit, reply.NextBestAction, reply.Reasons, reply.Confidence, model);
    }

    private AnalystVerdict Fall(string reason, string model)
    {
        Log.FellBack(_logger, model, reason);
        return AnalystVerdict.Declined(reason, model);
    }

    /// <summary>The user message: the lead's features without its ids, the deterministic score and the neighbours, as JSON.</summary>
    internal static string BuildUserMessage(LeadFeatures features, LeadScore deterministic, IReadOnlyList<SimilarRecord> neighbours)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("lead");

            // The model needs no ids; the features themselves are codes and numbers only (see LeadFeatures).
            JsonSerializer.Serialize(json, features with { ContactId = null, CompanyId = null }, ScoringJsonContext.Default.LeadFeatures);

            json.WriteStartObject("deterministic");
            json.WriteNumber("score", deterministic.Score);
            json.WriteString("priority", deterministic.Priority.ToString());
            json.WriteString("nextBestAction", ActionName(deterministic.NextBestAction));
            json.WriteNumber("confidence", deterministic.Confidence);
            json.WriteStartArray("topReasons");
            foreach (var reason in deterministic.TopReasons)
            {
                json.WriteStartObject();
                json.WriteNumber("points", reason.Impact);
                json.WriteString("reason", reason.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("missingData");
            foreach (var name in deterministic.MissingData)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartArray("neighbours");
            foreach (var n in neighbours)
            {
                json.WriteStartObject();
                json.WriteString("id", n.Id);
                json.WriteString("classification", n.Classification);
                json.WriteNumber("score", n.Score);
                json.WriteNumber("similarity", Math.Round(n.Similarity, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal readonly record struct Reply(int Score, string Fit, string NextBestAction, IReadOnlyList<string> Reasons, double Confidence);

    /// <summary>Parses the model's reply strictly against <see cref="SchemaJson"/>; <paramref name="problem"/> says what is wrong.</summary>
    internal static bool TryParseReply(string? text, out Reply reply, out string problem)
    {
        reply = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "empty reply";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"not JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (!TryCheckFields(root, out problem)
                || !TryReadScore(root.GetProperty("score"), out var score, out problem)
                || !TryReadFit(root.GetProperty("fit"), score, out var fit, out problem)
                || !TryReadAction(root.GetProperty("nextBestAction"), out var action, out problem)
                || !TryReadReasons(root.GetProperty("reasons"), out var reasons, out problem)
                || !TryReadConfidence(root.GetProperty("confidence"), out var confidence, out problem))
            {
                return false;
            }

            reply = new Reply(score, fit, action, reasons, confidence);
            return true;
        }
    }

    /// <summary>An object with exactly the schema's fields.</summary>
    private static bool TryCheckFields(JsonElement root, out string problem)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = $"expected an object, got {Kind(root)}";
            return false;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("score" or "fit" or "nextBestAction" or "reasons" or "confidence"))
            {
                problem = $"unexpected field '{Clip(property.Name, 40)}'";
                return false;
            }
        }

        var missing = FieldNames.Where(n => !root.TryGetProperty(n, out _)).ToList();
        problem = missing.Count == 0 ? "" : $"missing {string.Join(", ", missing.Select(n => $"'{n}'"))}";
        return missing.Count == 0;
    }

    private static bool TryReadScore(JsonElement json, out int score, out string problem)
    {
        if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt32(out score))
        {
            (score, problem) = (0, $"'score' must be a whole number, got {Kind(json)}");
            return false;
        }

        problem = score is < 0 or > 100 ? string.Create(CultureInfo.InvariantCulture, $"'score' {score} is outside 0–100") : "";
        return problem.Length == 0;
    }

    /// <summary>One of <see cref="Fits"/>, and the band of <paramref name="score"/>.</summary>
    private static bool TryReadFit(JsonElement json, int score, out string fit, out string problem)
    {
        if (json.ValueKind != JsonValueKind.String || json.GetString() is not { } value || !Fits.Contains(value))
        {
            (fit, problem) = ("", $"'fit' must be one of {string.Join(", ", Fits)}, got {Kind(json)}");
            return false;
        }

        fit = value;
        var band = PriorityBands.FromScore(score).ToString();
        problem = fit != band ? string.Create(CultureInfo.InvariantCulture, $"'fit' {fit} does not match score {score} ({band})") : "";
        return problem.Length == 0;
    }

    private static bool TryReadAction(JsonElement json, out string action, out string problem)
    {
        if (json.ValueKind != JsonValueKind.String || json.GetString() is not { } value || !Actions.Contains(value))
        {
            (action, problem) = ("", $"'nextBestAction' must be one of {string.Join(", ", Actions)}, got {Kind(json)}");
            return false;
        }

        (action, problem) = (value, "");
        return true;
    }

    /// <summary>1–<see cref="MaxReasons"/> non-empty strings of at most <see cref="MaxReasonLength"/> characters, trimmed.</summary>
    private static bool TryReadReasons(JsonElement json, out string[] reasons, out string problem)
    {
        reasons = [];
        if (json.ValueKind != JsonValueKind.Array)
        {
            problem = $"'reasons' must be an array, got {Kind(json)}";
            return false;
        }

        var count = json.GetArrayLength();
        if (count is < 1 or > MaxReasons)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"'reasons' must have 1–{MaxReasons} entries, got {count}");
            return false;
        }

        var read = new string[count];
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString()?.Trim() is not { Length: > 0 and <= MaxReasonLength } reason)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"'reasons[{i}]' must be a non-empty string of at most {MaxReasonLength} characters");
                return false;
            }

            read[i++] = reason;
        }

        (reasons, problem) = (read, "");
        return true;
    }

    private static bool TryReadConfidence(JsonElement json, out double confidence, out string problem)
    {
        if (json.ValueKind != JsonValueKind.Number || !json.TryGetDouble(out confidence))
        {
            (confidence, problem) = (0, $"'confidence' must be a number, got {Kind(json)}");
            return false;
        }

        problem = !(confidence is >= 0 and <= 1) ? string.Create(CultureInfo.InvariantCulture, $"'confidence' {confidence} is outside 0–1") : "";
        return problem.Length == 0;
    }

    internal static string ActionName(NextBestAction action) => action switch
    {
        Scoring.NextBestAction.FollowUp => "Follow-up",
        Scoring.NextBestAction.Close => "Close",
        _ => "Nurture",
    };

    /// <summary>Why a call failed, without secrets: the HTTP status when there was one, else the exception's type and message.</summary>
    internal static string DescribeFailure(Exception e) => e switch
    {
        ClientResultException { Status: 429 } => "Azure OpenAI answered HTTP 429 (rate limited)",
        ClientResultException { Status: 401 or 403 } r => string.Create(CultureInfo.InvariantCulture, $"Azure OpenAI answered HTTP {r.Status} (check {AnalystOptions.ApiKeyName} or the identity's role)"),
        ClientResultException { Status: 404 } => $"Azure OpenAI answered HTTP 404 (check {AnalystOptions.ChatDeploymentName})",
        ClientResultException { Status: > 0 } r => string.Create(CultureInfo.InvariantCulture, $"Azure OpenAI answered HTTP {r.Status}"),
        ClientResultException { InnerException: { } inner } => $"call failed: {inner.GetType().Name}: {Clip(inner.Message, 200)}",
        _ => $"call failed: {e.GetType().Name}: {Clip(e.Message, 200)}",
    };

    internal static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.##} s"),
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{Clip(value.GetString() ?? "", 40)}'",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    private static string Clip(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max), "…");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "AI analyst fell back to the deterministic score ({Model}): {Reason}")]
        public static partial void FellBack(ILogger logger, string model, string reason);

        [LoggerMessage(2, LogLevel.Debug, "AI analyst answered ({Model}): score {Score}, confidence {Confidence}")]
        public static partial void Used(ILogger logger, string model, int score, double confidence);
    }
}
