package dev.elixr.tools;

/** The wording of every {@code --dataset} option (the layouts {@link dev.elixr.tasks.data.CxrDataset} reads). */
final class DatasetOption {
    private DatasetOption() {}

    static final String LABEL = "auto|mimic-cxr-jpg|chexpert|iu-xray|dicom";
    static final String LAYOUTS = "auto (the default: the one layout the folder's files identify, refused when none or"
            + " several match), mimic-cxr-jpg (alias mimic; MIMIC-CXR DICOM with the JPG release's CSVs too), chexpert, iu-xray"
            + " or dicom (a folder of .dcm files with labels.csv)";
    static final String DESCRIPTION = "layout of --data: " + LAYOUTS + "; images may be DICOM, PNG or JPEG";
    static final String TRAINING = "layout of --data: " + LAYOUTS + "; CheXpert has no reports to train on, a DICOM folder"
            + " only when its labels.csv has a Report column; images may be DICOM, PNG or JPEG";
}
