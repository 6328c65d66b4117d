import torch

model = torch.nn.Linear(4, 2)
torch.save(model.state_dict(), 'model.pt')
