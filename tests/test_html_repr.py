"""In a notebook, a pipeline's HTML repr links skdeep estimators to their API pages."""

import re
from pathlib import Path

from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import CNNClassifier, MLPClassifier
from skdeep.survival import DeepSurv

API = (Path(__file__).resolve().parents[1] / "docs" / "api.rst").read_text()


def _documented(url):
    """The page is one that docs/api.rst asks autosummary to generate."""
    page = url.split("/generated/")[1].split(".html")[0]
    module, name = page.rsplit(".", 1)
    section = API.split(f".. currentmodule:: {module}\n")
    return len(section) > 1 and re.search(rf"^   {name}$", section[1].split(".. currentmodule::")[0], re.M)


def test_pipeline_repr_links_each_estimator_to_its_documented_api_page():
    html = make_pipeline(StandardScaler(), MLPClassifier(alpha=0.1))._repr_html_()
    links = set(re.findall(r'href="([^"#]*generated/[^"#]*\.html)"', html))
    assert any(link.endswith("/generated/skdeep.MLPClassifier.html") for link in links)
    for estimator in (MLPClassifier(), CNNClassifier(), DeepSurv()):
        url = estimator._get_doc_link()
        assert _documented(url), url
    assert DeepSurv()._get_doc_link().endswith("/generated/skdeep.survival.DeepSurv.html")


def test_parameters_show_their_description_as_a_tooltip():
    html = make_pipeline(StandardScaler(), MLPClassifier(alpha=0.1))._repr_html_()
    tooltips = re.findall(r'class="param-doc-description"[^>]*>(.*?)</span>', html, re.S)
    assert any("L2 penalty" in tip for tip in tooltips)
