package dev.elixr.tasks.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The readers on small fixtures in each real layout, built here. */
class ReadersTest {
    @TempDir Path tmp;

    static void gz(Path f, String text) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) { o.write(text.getBytes(StandardCharsets.UTF_8)); }
    }

    static final String MIMIC_REPORT = """
                                             FINAL REPORT
             EXAMINATION:  CHEST (PA AND LAT)

             INDICATION:  ___F with cough

             COMPARISON:  ___

             FINDINGS:

             There is a small left pleural effusion.  No pneumothorax.  The heart is
             normal in size.

             IMPRESSION:

             Small left pleural effusion.
            """;

    @Test
    void mimicCxrJpgJoinsSplitLabelsViewsAndReports() throws IOException {
        Path root = tmp.resolve("mimic");
        Path study = root.resolve("files/p10/p10000032/s50414267");
        Files.createDirectories(study);
        CxrImageCodec.writeJpeg(CxrImageCodecTest.ramp(20, 24), study.resolve("02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg"));
        CxrImageCodec.writeJpeg(CxrImageCodecTest.ramp(20, 24), study.resolve("174413ec-4ec4c1f7-34ea26b7-c5f994f8-79ef1962.jpg"));
        Files.writeString(root.resolve("files/p10/p10000032/s50414267.txt"), MIMIC_REPORT);
        gz(root.resolve(MimicCxrJpg.SPLIT), """
                dicom_id,study_id,subject_id,split
                02aa804e-bde0afdd-112c0b34-7bc16630-4e384014,50414267,10000032,train
                174413ec-4ec4c1f7-34ea26b7-c5f994f8-79ef1962,50414267,10000032,train
                """);
        gz(root.resolve(MimicCxrJpg.CHEXPERT), """
                subject_id,study_id,Atelectasis,Cardiomegaly,Consolidation,Edema,Enlarged Cardiomediastinum,Fracture,Lung Lesion,Lung Opacity,No Finding,Pleural Effusion,Pleural Other,Pneumonia,Pneumothorax,Support Devices
                10000032,50414267,,0.0,,,,,,,,1.0,,,0.0,-1.0
                """);
        gz(root.resolve(MimicCxrJpg.METADATA), """
                dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,PatientOrientationCodeSequence_CodeMeaning
                02aa804e-bde0afdd-112c0b34-7bc16630-4e384014,10000032,50414267,CHEST (PA AND LAT),PA,3056,2544,21800506,213014.531,CHEST (PA AND LAT),postero-anterior,Erect
                174413ec-4ec4c1f7-34ea26b7-c5f994f8-79ef1962,10000032,50414267,CHEST (PA AND LAT),LATERAL,3056,2544,21800506,213014.531,CHEST (PA AND LAT),lateral,Erect
                """);
        List<CxrStudy> frontal = MimicCxrJpg.read(root);
        assertEquals(1, frontal.size());
        CxrStudy s = frontal.getFirst();
        assertEquals("PA", s.view());
        assertEquals("train", s.split());
        assertEquals(1f, s.label(CheXpertLabel.PLEURAL_EFFUSION));
        assertEquals(0f, s.label(CheXpertLabel.PNEUMOTHORAX));
        assertEquals(-1f, s.label(CheXpertLabel.SUPPORT_DEVICES));
        assertTrue(Float.isNaN(s.label(CheXpertLabel.ATELECTASIS)));
        assertTrue(Files.isRegularFile(s.image()));
        assertEquals(20, CxrImageCodec.read(s.image()).width());
        ReportSectioner.Sections sec = ReportSectioner.sections(s.report());
        assertEquals("There is a small left pleural effusion. No pneumothorax. The heart is normal in size.", sec.findings());
        assertEquals("Small left pleural effusion.", sec.impression());
        assertEquals(2, MimicCxrJpg.read(root, root, false).size());
        Files.delete(root.resolve(MimicCxrJpg.SPLIT));
        IOException e = assertThrows(IOException.class, () -> MimicCxrJpg.read(root));
        assertTrue(e.getMessage().contains(MimicCxrJpg.SPLIT), e.getMessage());
    }

    @Test
    void sectionerFallsBackToTheLastParagraph() {
        String r = """
                 WET READ: ___ 3:15 PM
                 no acute process

                 Heart size is normal.  Lungs are clear.
                 No effusion.
                """;
        ReportSectioner.Sections s = ReportSectioner.sections(r);
        assertEquals("", s.findings());
        assertEquals("", s.impression());
        assertEquals("Heart size is normal. Lungs are clear. No effusion.", s.text());
        ReportSectioner.Sections both = ReportSectioner.sections("FINDINGS AND IMPRESSION:  Clear lungs.\n");
        assertEquals("Clear lungs.", both.findings());
        assertEquals("Clear lungs.", both.impression());
    }

    @Test
    void cheXpertAppliesTheUncertaintyPolicyAndFiltersViews() throws IOException {
        Path root = tmp.resolve("CheXpert-v1.0");
        Path img = root.resolve("train/patient00001/study1");
        Files.createDirectories(img);
        CxrImageCodec.writeJpeg(CxrImageCodecTest.ramp(10, 12), img.resolve("view1_frontal.jpg"));
        Files.writeString(root.resolve("train.csv"), """
                Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,Support Devices
                CheXpert-v1.0/train/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,,,1.0,,,-1.0,,,-1.0,0.0,1.0,,,1.0
                CheXpert-v1.0/train/patient00001/study1/view2_lateral.jpg,Female,68,Lateral,,,,1.0,,,-1.0,,,-1.0,0.0,1.0,,,1.0
                """);
        List<CxrStudy> ones = CheXpert.read(root, "train.csv", UncertaintyPolicy.U_ONES, true);
        assertEquals(1, ones.size());
        CxrStudy s = ones.getFirst();
        assertEquals(1f, s.label(CheXpertLabel.EDEMA));
        assertEquals(1f, s.label(CheXpertLabel.ATELECTASIS));
        assertEquals(1f, s.label(CheXpertLabel.CARDIOMEGALY));
        assertEquals(0f, s.label(CheXpertLabel.PNEUMOTHORAX));
        assertEquals("AP", s.view());
        assertEquals("patient00001", s.subjectId());
        assertTrue(Files.isRegularFile(s.image()), s.image().toString());
        assertEquals(0f, CheXpert.read(root, "train.csv", UncertaintyPolicy.U_ZEROS, true).getFirst().label(CheXpertLabel.EDEMA));
        assertTrue(Float.isNaN(CheXpert.read(root, "train.csv", UncertaintyPolicy.U_IGNORE, true).getFirst().label(CheXpertLabel.EDEMA)));
        assertEquals(-1f, CheXpert.read(tmp, "train.csv", UncertaintyPolicy.KEEP, true).getFirst().label(CheXpertLabel.EDEMA), "parent folder works too");
        List<CxrStudy> all = CheXpert.read(root, "train.csv", UncertaintyPolicy.U_IGNORE, false);
        assertEquals(2, all.size());
        assertFalse(all.get(1).isFrontal());
        assertEquals(UncertaintyPolicy.U_ONES, UncertaintyPolicy.parse("U-Ones"));
        assertEquals(UncertaintyPolicy.U_ZEROS, UncertaintyPolicy.parse("zeros"));
    }

    @Test
    void iuXrayReadsQuotedReportsAndProjections() throws IOException {
        Path root = tmp.resolve("iu");
        Path images = root.resolve("images/images_normalized");
        Files.createDirectories(images);
        CxrImageCodec.writePng16(CxrImageCodecTest.ramp(16, 16), images.resolve("1_IM-0001-4001.dcm.png"));
        Files.writeString(root.resolve("indiana_reports.csv"), """
                uid,MeSH,Problems,image,indication,comparison,findings,impression
                1,normal,normal,Xray Chest PA and Lateral,Positive TB test,None.,"The cardiac silhouette and mediastinum size are within normal limits. There is no pulmonary edema, effusion or pneumothorax.","Normal chest x-ray."
                2,Cardiomegaly/mild;Pulmonary Atelectasis/base/left,Cardiomegaly;Pulmonary Atelectasis,Chest 2 views,"dyspnea, ""short of breath""\",,"Mild cardiomegaly.
                Left basilar atelectasis.",
                """);
        Files.writeString(root.resolve("indiana_projections.csv"), """
                uid,filename,projection
                1,1_IM-0001-4001.dcm.png,Frontal
                1,1_IM-0001-3001.dcm.png,Lateral
                2,2_IM-0652-1001.dcm.png,Frontal
                """);
        List<CxrStudy> s = IuXray.read(root, true);
        assertEquals(2, s.size());
        assertEquals(1f, s.get(0).label(CheXpertLabel.NO_FINDING));
        assertTrue(s.get(0).report().startsWith("FINDINGS: The cardiac silhouette"), s.get(0).report());
        assertTrue(s.get(0).report().endsWith("IMPRESSION: Normal chest x-ray."));
        assertEquals(16, CxrImageCodec.read(s.get(0).image()).bitDepth());
        assertEquals(1f, s.get(1).label(CheXpertLabel.CARDIOMEGALY));
        assertEquals(1f, s.get(1).label(CheXpertLabel.ATELECTASIS));
        assertEquals(0f, s.get(1).label(CheXpertLabel.NO_FINDING), "a coded study lists all its problems");
        assertEquals(0f, s.get(1).label(CheXpertLabel.PNEUMOTHORAX), "a mapped finding it does not list is negative");
        assertTrue(Float.isNaN(s.get(1).label(CheXpertLabel.ENLARGED_CARDIOMEDIASTINUM)), "no term maps to it");
        assertTrue(s.get(1).report().contains("Mild cardiomegaly.\nLeft basilar atelectasis."));
        assertEquals(3, IuXray.read(root, false).size());
        assertTrue(List.of("train", "validate", "test").contains(s.get(0).split()));
    }

    @Test
    void labelValuesOtherThanOneZeroMinusOneOrBlankAreRefusedNamingFileRowAndColumn() throws IOException {
        Path f = tmp.resolve("labels.csv");
        Files.writeString(f, "Edema,Atelectasis\n1.0,\n-1.0,0.0\n2.0,-7\n1e9,NaN\n");
        Csv c = Csv.read(f);
        assertEquals(1f, c.label(0, "Edema"));
        assertTrue(Float.isNaN(c.label(0, "Atelectasis")));
        assertEquals(-1f, c.label(1, "Edema"));
        assertEquals(0f, c.label(1, "Atelectasis"));
        String[][] bad = {{"2", "Edema", "2.0"}, {"2", "Atelectasis", "-7"}, {"3", "Edema", "1e9"}, {"3", "Atelectasis", "NaN"}};
        for (String[] b : bad) {
            var e = assertThrows(IllegalArgumentException.class, () -> c.label(Integer.parseInt(b[0]), b[1]));
            assertTrue(e.getMessage().contains("labels.csv") && e.getMessage().contains("row " + (Integer.parseInt(b[0]) + 2))
                    && e.getMessage().contains("'" + b[1] + "'") && e.getMessage().contains("'" + b[2] + "'"), e.getMessage());
        }
    }

    @Test
    void csvErrorsNameTheFileAndRow() throws IOException {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "a,b\n1,2\n3\n");
        IOException e = assertThrows(IOException.class, () -> Csv.read(f));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("row 3"), e.getMessage());
        Path g = tmp.resolve("ok.csv");
        Files.writeString(g, "a,b\r\n\"x, \"\"y\"\"\",2\r\n");
        Csv c = Csv.read(g);
        assertEquals("x, \"y\"", c.get(0, "a"));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> c.get(0, "zz"));
        assertTrue(e2.getMessage().contains("no column 'zz'"));
        assertEquals("\"x, \"\"y\"\"\",2", Csv.line(List.of("x, \"y\"", "2")));
    }
}
