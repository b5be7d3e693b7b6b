using LeadScoring.Core.Training;

namespace LeadScoring.Tests.Training;

[TestFixture]
public sealed class TrainingCsvTests
{
    [Test]
    public void Parse_RecordsWithFeatures_ReadsEveryColumn()
    {
        const string Csv = """
            contactId,classification,score,attributes,notes,industry,employeeCount,country,emailOpens,lastEngagementAt
            51,Ideal,92,industry;meetings,"Champion, call +1 202 555 0143",COMPUTER_SOFTWARE,250,US,6,2026-11-20T10:00:00Z
            ,Less Ideal,20,,,FARMING,3,AQ,0,
            """;

        var (rows, errors) = TrainingCsv.Parse(Csv, TimeProvider.System.GetUtcNow());

        Assert.That(errors, Is.Empty);
        Assert.That(rows, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows[0].Input.ContactId, Is.EqualTo("51"));
            Assert.That(rows[0].Input.Score, Is.EqualTo(92));
            Assert.That(rows[0].Input.Attributes, Is.EqualTo(new[] { "industry", "meetings" }));
            Assert.That(rows[0].Input.Notes, Is.EqualTo("Champion, call +1 202 555 0143"), "scrubbing happens when the record is stored");
            Assert.That(rows[0].Input.Features!.Industry, Is.EqualTo("COMPUTER_SOFTWARE"));
            Assert.That(rows[0].Input.Features!.EmployeeCount, Is.EqualTo(250));
            Assert.That(rows[0].Input.Features!.LastEngagementAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)));
            Assert.That(rows[1].Input.ContactId, Is.Null);
            Assert.That(rows[1].Input.Classification, Is.EqualTo("Less Ideal"));
            Assert.That(rows[1].Input.Features!.EmailOpens, Is.Zero);
        }
    }

    [Test]
    public void Parse_QuotedFieldWithQuotesAndNewline_IsOneCell()
    {
        var rows = TrainingCsv.Split("a,b\r\n\"say \"\"hi\"\"\nthere\",2\r\n");

        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1], Is.EqualTo(new[] { "say \"hi\"\nthere", "2" }));
    }

    [TestCase("contactId,classification,score,colour\n51,Ideal,90,red", "header.colour")]
    [TestCase("contactId,classification,score\n51,Ideal,ninety", "row 2.score")]
    [TestCase("contactId,classification,score\n51,Great,90", "row 2.classification")]
    [TestCase("contactId,classification,score\n51,Ideal", "row 2")]
    [TestCase("classification,score,employeeCount\nIdeal,90,many", "row 2.features.employeeCount")]
    [TestCase("classification,score,emailOpens\nIdeal,90,-3", "row 2.features.emailOpens")]
    [TestCase("", "$")]
    public void Parse_BadCsv_NamesRowAndColumnAndReturnsNoRowsOfTheBadKind(string csv, string field)
    {
        var (rows, errors) = TrainingCsv.Parse(csv, TimeProvider.System.GetUtcNow());

        Assert.That(errors.Select(e => e.Field), Does.Contain(field));
        Assert.That(rows, Is.Empty);
    }
}
