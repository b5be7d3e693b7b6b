using LeadScoring.Core;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class ScoringProfileTests
{
    private static IReadOnlyList<ValidationError> ErrorsOf(string json)
    {
        var ex = Assert.Throws<InputValidationException>(() => ScoringProfileLoader.Parse(json));
        return ex.Errors;
    }

    private static IEnumerable<string> FieldsOf(string json) => ErrorsOf(json).Select(e => e.Field);

    [Test]
    public void Validate_Default_HasNoErrors()
    {
        Assert.That(ScoringProfileValidator.Validate(ScoringProfile.Default), Is.Empty);
    }

    [Test]
    public void Default_DocumentedValues()
    {
        var profile = ScoringProfile.Default;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(profile.Name, Is.EqualTo("default"));
            Assert.That(profile.Version, Is.EqualTo("1"));
            Assert.That(profile.Weights, Is.EqualTo(new ComponentWeights(0.30, 0.30, 0.20, 0.20)));
            Assert.That(profile.UnknownDataScore, Is.EqualTo(40));
            Assert.That(profile.Outcome.PortalWinRate, Is.EqualTo(0.20));
            Assert.That(profile.Outcome.PriorStrength, Is.EqualTo(5));
            Assert.That(profile.Recency.HalfLifeDays, Is.EqualTo(14));
            Assert.That(profile.CloseProbability.Midpoint, Is.EqualTo(85));
            Assert.That(profile.CloseProbability.Scale, Is.EqualTo(10));
            Assert.That(profile.NextBestAction.CloseStageProbability, Is.EqualTo(0.8));
        }
    }

    [Test]
    public void Parse_EmptyObject_EqualsDefaults()
    {
        var profile = ScoringProfileLoader.Parse("{}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(profile.Name, Is.EqualTo("default"));
            Assert.That(profile.Weights, Is.EqualTo(ComponentWeights.Default));
            Assert.That(profile.Fit.Industries, Has.Count.EqualTo(ScoringProfile.Default.Fit.Industries.Count));
            Assert.That(profile.Fit.Employees, Is.EqualTo(new IdealRange(50, 1000)));
        }
    }

    [Test]
    public void Parse_PartialProfile_KeepsDefaultsForOmittedFieldsAndReplacesMaps()
    {
        const string Json = """
            {
              // comments and trailing commas are allowed
              "name": "acme",
              "fit": {
                "industries": { "banking": 95, "INSURANCE": 70, },
                "otherIndustryScore": 20
              },
              "outcome": { "portalWinRate": 0.3 }
            }
            """;

        var profile = ScoringProfileLoader.Parse(Json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(profile.Name, Is.EqualTo("acme"));
            Assert.That(profile.Version, Is.EqualTo("1"));
            Assert.That(profile.Weights, Is.EqualTo(ComponentWeights.Default));
            Assert.That(profile.UnknownDataScore, Is.EqualTo(40));

            // The map is replaced as a whole, and lookups are case-insensitive.
            Assert.That(profile.Fit.Industries, Has.Count.EqualTo(2));
            Assert.That(profile.Fit.Industries.ContainsKey("COMPUTER_SOFTWARE"), Is.False);
            Assert.That(profile.Fit.Industries["BANKING"], Is.EqualTo(95));
            Assert.That(profile.Fit.Industries["insurance"], Is.EqualTo(70));
            Assert.That(profile.Fit.OtherIndustryScore, Is.EqualTo(20));

            // Untouched parts of the same section keep their defaults.
            Assert.That(profile.Fit.Countries["US"], Is.EqualTo(100));
            Assert.That(profile.Fit.Employees, Is.EqualTo(new IdealRange(50, 1000)));
            Assert.That(profile.Fit.LifecycleStages["salesqualifiedlead"], Is.EqualTo(80));
            Assert.That(profile.Outcome.PortalWinRate, Is.EqualTo(0.3));
            Assert.That(profile.Outcome.PriorStrength, Is.EqualTo(5));
            Assert.That(profile.Outcome.TargetDealSize, Is.EqualTo(25_000));
            Assert.That(profile.Recency.HalfLifeDays, Is.EqualTo(14));
        }
    }

    [Test]
    public void Parse_DoesNotMutateDefault()
    {
        ScoringProfileLoader.Parse("""{ "unknownDataScore": 10, "fit": { "otherIndustryScore": 5 }, "recency": { "halfLifeDays": 3 } }""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ScoringProfile.Default.UnknownDataScore, Is.EqualTo(40));
            Assert.That(ScoringProfile.Default.Fit.OtherIndustryScore, Is.EqualTo(35));
            Assert.That(ScoringProfile.Default.Recency.HalfLifeDays, Is.EqualTo(14));
        }
    }

    [TestCase("""{ "weights": { "fit": -0.1, "engagement": 0.5, "outcome": 0.3, "recency": 0.3 } }""", "weights.fit")]
    [TestCase("""{ "weights": { "fit": 0.3, "engagement": 0.3, "outcome": 0.3, "recency": 0.3 } }""", "weights")]
    [TestCase("""{ "weights": { "fit": 0.5 } }""", "weights")]
    [TestCase("""{ "fit": { "industries": { "FOO": 50 } } }""", "fit.industries.FOO")]
    [TestCase("""{ "fit": { "industries": { "BANKING": 150 } } }""", "fit.industries.BANKING")]
    [TestCase("""{ "fit": { "countries": { "XX": 50 } } }""", "fit.countries.XX")]
    [TestCase("""{ "fit": { "countries": { "USA": 50 } } }""", "fit.countries.USA")]
    [TestCase("""{ "fit": { "leadSources": { "TRADE_SHOW": 50 } } }""", "fit.leadSources.TRADE_SHOW")]
    [TestCase("""{ "fit": { "lifecycleStages": { "prospect": 50 } } }""", "fit.lifecycleStages.prospect")]
    [TestCase("""{ "fit": { "lifecycleStages": { "lead": -1 } } }""", "fit.lifecycleStages.lead")]
    [TestCase("""{ "fit": { "otherCountryScore": 101 } }""", "fit.otherCountryScore")]
    [TestCase("""{ "unknownDataScore": 100.5 }""", "unknownDataScore")]
    [TestCase("""{ "fit": { "employees": { "min": 500, "max": 100 } } }""", "fit.employees")]
    [TestCase("""{ "fit": { "annualRevenue": { "min": 0, "max": 100 } } }""", "fit.annualRevenue.min")]
    [TestCase("""{ "outcome": { "portalWinRate": 0 } }""", "outcome.portalWinRate")]
    [TestCase("""{ "outcome": { "portalWinRate": 1 } }""", "outcome.portalWinRate")]
    [TestCase("""{ "outcome": { "targetDealSize": 0 } }""", "outcome.targetDealSize")]
    [TestCase("""{ "recency": { "halfLifeDays": 0 } }""", "recency.halfLifeDays")]
    [TestCase("""{ "recency": { "responseHalfLifeHours": -24 } }""", "recency.responseHalfLifeHours")]
    [TestCase("""{ "closeProbability": { "scale": 0 } }""", "closeProbability.scale")]
    [TestCase("""{ "nextBestAction": { "closeStageProbability": 1.5 } }""", "nextBestAction.closeStageProbability")]
    [TestCase("""{ "name": "acme corp" }""", "name")]
    [TestCase("""{ "version": "" }""", "version")]
    public void Parse_InvalidValue_NamesField(string json, string field)
    {
        Assert.That(FieldsOf(json), Does.Contain(field));
    }

    [TestCase("fit")]
    [TestCase("weights")]
    [TestCase("outcome")]
    [TestCase("recency")]
    [TestCase("closeProbability")]
    [TestCase("nextBestAction")]
    public void Parse_NullSection_NamesSection(string section)
    {
        var errors = ErrorsOf($$"""{ "{{section}}": null }""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { section }));
            Assert.That(errors[0].Message, Does.Contain("must not be null"));
        }
    }

    [TestCase("""{ "fit": { "industries": null } }""", "fit.industries")]
    [TestCase("""{ "fit": { "employees": null } }""", "fit.employees")]
    public void Parse_NullNestedValue_NamesField(string json, string field)
    {
        Assert.That(FieldsOf(json), Is.EqualTo(new[] { field }));
    }

    [Test]
    public void Parse_NullDocument_NamesRoot()
    {
        Assert.That(FieldsOf("null"), Is.EqualTo(new[] { "$" }));
    }

    [TestCase("""{ "name": "acme" """)]
    [TestCase("""{ "name": }""")]
    [TestCase("not json")]
    [TestCase("")]
    public void Parse_MalformedJson_SingleErrorWithFieldAndMessage(string json)
    {
        var errors = ErrorsOf(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Has.Count.EqualTo(1));
            Assert.That(errors[0].Field, Is.EqualTo("$").Or.EqualTo("name"));
            Assert.That(errors[0].Message, Is.Not.Empty.And.Not.Contain("Path:"));
        }
    }

    [TestCase("""{ "weigths": { "fit": 1 } }""", "weigths")]
    [TestCase("""{ "fit": { "industry": { "BANKING": 50 } } }""", "fit.industry")]
    [TestCase("""{ "recency": { "halfLife": 7 } }""", "recency.halfLife")]
    public void Parse_UnknownField_NamesIt(string json, string field)
    {
        var errors = ErrorsOf(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors[0].Message, Is.EqualTo("is not a known field"));
        }
    }

    [TestCase("""{ "unknownDataScore": "40" }""", "unknownDataScore")]
    [TestCase("""{ "weights": { "fit": "0.3", "engagement": 0.3, "outcome": 0.2, "recency": 0.2 } }""", "weights.fit")]
    [TestCase("""{ "fit": { "industries": { "BANKING": "high" } } }""", "fit.industries.BANKING")]
    [TestCase("""{ "recency": { "halfLifeDays": true } }""", "recency.halfLifeDays")]
    [TestCase("""{ "name": 7 }""", "name")]
    public void Parse_WrongType_NamesField(string json, string field)
    {
        var errors = ErrorsOf(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors[0].Message, Does.StartWith("has the wrong type"));
        }
    }

    [Test]
    public void Parse_SeveralProblems_AllReportedTogether()
    {
        const string Json = """
            {
              "unknownDataScore": -5,
              "weights": { "fit": 0.5, "engagement": 0.5, "outcome": 0.5, "recency": 0.5 },
              "fit": { "industries": { "FOO": 50 }, "countries": { "XX": 50 } },
              "outcome": { "portalWinRate": 1 },
              "recency": { "halfLifeDays": -1 }
            }
            """;

        var ex = Assert.Throws<InputValidationException>(() => ScoringProfileLoader.Parse(Json));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex.Errors.Select(e => e.Field), Is.EquivalentTo(new[]
            {
                "unknownDataScore", "weights", "fit.industries.FOO", "fit.countries.XX", "outcome.portalWinRate", "recency.halfLifeDays",
            }));
            Assert.That(ex.Message, Does.StartWith("Scoring profile is invalid").And.Contain("fit.countries.XX"));
        }
    }

    [Test]
    public void Parse_WeightsNotSummingToOne_MessageGivesSum()
    {
        var errors = ErrorsOf("""{ "weights": { "fit": 0.3, "engagement": 0.3, "outcome": 0.3, "recency": 0.3 } }""");

        Assert.That(errors.Single(e => e.Field == "weights").Message, Does.Contain("sum to 1").And.Contain("1.2"));
    }

    [Test]
    public void Parse_CustomNumericLifecycleStage_IsAccepted()
    {
        var profile = ScoringProfileLoader.Parse("""{ "fit": { "lifecycleStages": { "1234567": 85, "lead": 40 } } }""");

        Assert.That(profile.Fit.LifecycleStages["1234567"], Is.EqualTo(85));
    }

    [Test]
    public void Parse_WeightsWithinTolerance_AreAccepted()
    {
        // 0.1 + 0.2 + 0.3 + 0.4 is 1.0000000000000002 in binary floating point.
        var profile = ScoringProfileLoader.Parse("""{ "weights": { "fit": 0.1, "engagement": 0.2, "outcome": 0.3, "recency": 0.4 } }""");

        Assert.That(profile.Weights, Is.EqualTo(new ComponentWeights(0.1, 0.2, 0.3, 0.4)));
    }

    [Test]
    public void LoadFileAsync_MissingFile_NamesPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-profile-{Guid.NewGuid():N}.json");

        var ex = Assert.ThrowsAsync<InputValidationException>(() => ScoringProfileLoader.LoadFileAsync(path));

        Assert.That(ex!.Errors.Select(e => e.Field), Is.EqualTo(new[] { path }));
    }

    [Test]
    public async Task LoadFileAsync_ValidFile_Parses()
    {
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "name": "from-file" }""");
        try
        {
            var profile = await ScoringProfileLoader.LoadFileAsync(path);

            Assert.That(profile.Name, Is.EqualTo("from-file"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
