using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class CsvFeatureTableReaderTests
{
    [Test]
    public void Read_MixedColumns_InfersKindsAndMissingValues()
    {
        const string csv = "age;job;housing;balance;y\n30;\"admin.\";yes;12.5;no\n;\"blue-collar\";no;NA;yes\n41;;;-3;no\n";

        var table = CsvFeatureTableReader.Read(new StringReader(csv), new CsvTableOptions("y", "yes") { Separator = ';' });

        Assert.That(table.Labels, Is.EqualTo(new[] { false, true, false }));
        Assert.That(table.Features.Columns.Select(c => c.Kind), Is.EqualTo(new[] { FeatureKind.Numeric, FeatureKind.Categorical, FeatureKind.Boolean, FeatureKind.Numeric }));
        Assert.That(table.Features.Find("age")!.IsMissing(1), Is.True);
        Assert.That(table.Features.Find("balance")!.Number(2), Is.EqualTo(-3));
        Assert.That(table.Features.Find("job")!.Category(2), Is.Null);
        Assert.That(table.Features.Find("housing")!.Number(1), Is.Zero);
    }

    [Test]
    public void Read_QuotedFields_KeepSeparatorsQuotesAndNewlines()
    {
        const string csv = "note,y\r\n\"a, \"\"b\"\"\nc\",1\r\nplain,0\r\n";

        var table = CsvFeatureTableReader.Read(new StringReader(csv), new CsvTableOptions("y", "1"));

        Assert.That(table.Features.Find("note")!.Category(0), Is.EqualTo("a, \"b\"\nc"));
        Assert.That(table.Labels, Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public void Read_RaggedLineAfterAMultiLineField_NamesThePhysicalLine()
    {
        const string csv = "note,y\n\"two\nlines\",1\nx,0\ntoo,many,fields\n";

        Assert.That(
            () => CsvFeatureTableReader.Read(new StringReader(csv), new CsvTableOptions("y", "1")),
            Throws.TypeOf<CsvTableException>().With.Message.StartsWith("line 5: 3 fields, the header has 2"));
    }

    [Test]
    public void Read_Excluded_ColumnsAreLeftOut()
    {
        const string csv = "a,b,c,y\n1,2,3,1\n4,5,6,0\n";

        var table = CsvFeatureTableReader.Read(new StringReader(csv), new CsvTableOptions("y", "1") { Exclude = ["b"] });

        Assert.That(table.Features.Columns.Select(c => c.Name), Is.EqualTo(new[] { "a", "c" }));
    }

    [Test]
    public void Read_UnclosedQuote_NamesTheLineWhereItOpened()
    {
        const string csv = "a,y\n1,0\n\"open,1\n2,0\n";

        Assert.That(
            () => CsvFeatureTableReader.Read(new StringReader(csv), new CsvTableOptions("y", "1")),
            Throws.TypeOf<CsvTableException>().With.Message.StartsWith("line 3: a quoted field is not closed"));
    }

    [Test]
    public void Read_DuplicateHeader_NamesTheColumn()
    {
        Assert.That(
            () => CsvFeatureTableReader.Read(new StringReader("a,a,y\n1,2,1\n"), new CsvTableOptions("y", "1")),
            Throws.TypeOf<CsvTableException>().With.Message.Contains("'a' appears twice"));
    }
}
