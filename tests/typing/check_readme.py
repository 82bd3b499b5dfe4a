"""README.md's main example, type-checked by CI (see tests/docs)."""

from sambastudio import Client

client = Client()  # SAMBASTUDIO_HOST_URL, SAMBASTUDIO_ACCESS_KEY, SAMBASTUDIO_TENANT,
# the profile of SAMBASTUDIO_PROFILE or `sambastudio config use`,
# else the snapi CLI's ~/.snapi/config.json and secret.txt
project = client.projects.create(name="demo", description="fine-tuning demo")
dataset = client.datasets.create(
    name="capitals",
    path="./capitals",
    apps=["Generative Tuning"],
    job_types=["train", "evaluation"],
)
job = project.jobs.create(
    type="train",
    name="ft-1",
    model="Meta-Llama-3.2-1B-Instruct",
    dataset=dataset,
    hyperparams={"num_iterations": 10},
    rdu_arch="SN40L-8",
)
job.wait(timeout=3600, on_progress=lambda j: print(j.status))
best = job.checkpoints.best()  # the lowest train_loss
model = best.promote(name="my-model")
endpoint = project.endpoints.create(name="ep", model=model, instances=1, rdu_arch="SN40L-8")
endpoint.wait(timeout=1800)
print(endpoint.predict("What is the capital of Portugal?").text)
