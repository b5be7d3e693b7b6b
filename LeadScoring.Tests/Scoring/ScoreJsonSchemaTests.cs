using System.Text.Json;
using LeadScoring.Core.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class ScoreJsonSchemaTests
{
    private static LeadScore ScoreIdeal() => new LeadScorer(ScoringProfile.Default, new FakeTimeProvider(Leads.Now)).Score(Leads.Ideal);

    private static string Serialize(LeadScore score) => JsonSerializer.Serialize(score, ScoringJsonContext.Default.LeadScore);

    [Test]
    public void Serialize_TopLevelProperties_AreTheStableSchema()
    {
        var json = Serialize(ScoreIdeal());

        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name);
        Assert.That(names, Is.EqualTo(new[]
        {
            "schemaVersion", "contactId", "score", "exactScore", "priority", "closeProbability", "closeProbabilitySource",
            "closeModel", "nextBestAction", "nextBestActionReason", "confidence", "topReasons", "missingData", "components", "weights",
            "similarity", "analyst", "modelVersion", "scoredAt", "bandNote",
        }));
    }

    [Test]
    public void Serialize_Values_HaveStableShapes()
    {
        var score = ScoreIdeal();

        using var doc = JsonDocument.Parse(Serialize(score));

        var root = doc.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("contactId").GetString(), Is.EqualTo("101"));
            Assert.That(root.GetProperty("score").GetInt32(), Is.EqualTo(score.Score));
            Assert.That(root.GetProperty("priority").GetString(), Is.EqualTo("High"));
            Assert.That(root.GetProperty("nextBestAction").GetString(), Is.EqualTo("Follow-up"));
            Assert.That(root.GetProperty("closeProbabilitySource").GetString(), Is.EqualTo("logistic-prior"));
            Assert.That(root.GetProperty("modelVersion").GetString(), Is.EqualTo("rules-1/default@1"));
            Assert.That(root.GetProperty("scoredAt").GetString(), Is.EqualTo("2026-11-24T12:00:00+00:00"));
            Assert.That(root.GetProperty("missingData").ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(root.GetProperty("components").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "fit", "engagement", "outcome", "recency" }));
            Assert.That(root.GetProperty("weights").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "fit", "engagement", "outcome", "recency" }));
            Assert.That(root.GetProperty("weights").GetProperty("fit").GetDouble(), Is.EqualTo(0.3));
        }
    }

    [Test]
    public void Serialize_ComponentsAndReasons_UseCamelCaseAndEnumStrings()
    {
        using var doc = JsonDocument.Parse(Serialize(ScoreIdeal()));

        var fit = doc.RootElement.GetProperty("components").GetProperty("fit");
        var reason = doc.RootElement.GetProperty("topReasons")[0];
        var factor = fit.GetProperty("factors")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "component", "score", "confidence", "prior", "factors" }));
            Assert.That(fit.GetProperty("component").GetString(), Is.EqualTo("Fit"));
            Assert.That(factor.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "name", "weight", "points", "evidence", "reason" }));
            Assert.That(factor.GetProperty("name").GetString(), Is.EqualTo("industry"));
            Assert.That(reason.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "component", "factor", "impact", "text" }));
            Assert.That(reason.GetProperty("component").GetString(), Is.AnyOf("Fit", "Engagement", "Outcome", "Recency"));
        }
    }

    [TestCase(NextBestAction.Nurture, "Nurture")]
    [TestCase(NextBestAction.FollowUp, "Follow-up")]
    [TestCase(NextBestAction.Close, "Close")]
    public void Serialize_NextBestAction_UsesHubSpotLabel(NextBestAction action, string label)
    {
        var score = ScoreIdeal() with { NextBestAction = action };

        using var doc = JsonDocument.Parse(Serialize(score));

        Assert.That(doc.RootElement.GetProperty("nextBestAction").GetString(), Is.EqualTo(label));
    }

    [Test]
    public void Serialize_MissingFactor_PointsIsNull()
    {
        var score = new LeadScorer(ScoringProfile.Default, new FakeTimeProvider(Leads.Now)).Score(Leads.Unknown);

        using var doc = JsonDocument.Parse(Serialize(score));

        var industry = doc.RootElement.GetProperty("components").GetProperty("fit").GetProperty("factors")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(industry.GetProperty("points").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(doc.RootElement.GetProperty("contactId").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(doc.RootElement.GetProperty("priority").GetString(), Is.EqualTo("Low"));
        }
    }

    [Test]
    public void Deserialize_SerializedScore_RoundTrips()
    {
        var original = ScoreIdeal();
        var json = Serialize(original);

        var back = JsonSerializer.Deserialize(json, ScoringJsonContext.Default.LeadScore);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(back, Is.Not.Null);
            Assert.That(Serialize(back!), Is.EqualTo(json));
            Assert.That(back!.Priority, Is.EqualTo(original.Priority));
            Assert.That(back.NextBestAction, Is.EqualTo(original.NextBestAction));
            Assert.That(back.ExactScore, Is.EqualTo(original.ExactScore));
            Assert.That(back.ScoredAt, Is.EqualTo(original.ScoredAt));
            Assert.That(back.TopReasons, Is.EqualTo(original.TopReasons));
            Assert.That(back.Components.Fit.Factors, Is.EqualTo(original.Components.Fit.Factors));
            Assert.That(back.Weights, Is.EqualTo(original.Weights));
        }
    }
}
