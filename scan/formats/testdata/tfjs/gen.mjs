// Writes the TensorFlow.js fixtures of scan/formats (tfjs_test.go).
//
// benign_layers/ is a Keras-style model built and saved by TensorFlow.js
// itself (@tensorflow/tfjs 4.22.0): model.json and its weight shard, as
// tfjs-node's file:// handler writes them. The other folders are that
// model.json edited as an attacker would (a graph model whose nodes read
// and write files, weight paths that leave the folder); they are written,
// never loaded.
//
// Run from this folder, with the package installed in a scratch folder:
//   (cd /tmp/x && npm install @tensorflow/tfjs@4.22.0)
//   NODE_PATH=/tmp/x/node_modules node gen.mjs
import { createRequire } from 'module';
import fs from 'fs';

const require = createRequire(process.env.NODE_PATH + '/');
const tf = require('@tensorflow/tfjs');

function write(dir, json, shards) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(dir + '/model.json', JSON.stringify(json));
  for (const [name, data] of Object.entries(shards)) fs.writeFileSync(dir + '/' + name, data);
}

const model = tf.sequential();
model.add(tf.layers.dense({ units: 2, inputShape: [3], activation: 'relu', kernelInitializer: 'ones' }));
model.add(tf.layers.dense({ units: 1, kernelInitializer: 'ones' }));
await model.save(tf.io.withSaveHandler(async (a) => {
  const shard = Buffer.from(new Uint8Array(a.weightData));
  const json = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  write('benign_layers', json, { 'weights.bin': shard });

  // A graph model whose nodes read a file and write it elsewhere.
  const graph = {
    format: 'graph-model', generatedBy: '2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      node: [
        { name: 'path', op: 'Const', attr: { dtype: { type: 'DT_STRING' } } },
        { name: 'read', op: 'ReadFile', input: ['path'] },
        { name: 'out', op: 'Identity', input: ['read'] },
      ],
      library: { function: [{ signature: { name: 'exfil' }, nodeDef: [{ name: 'w', op: 'WriteFile', input: ['path', 'read'] }] }] },
      versions: { producer: 1574 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
  };
  write('mal_graph_readfile', graph, {});

  const escape = structuredClone(json);
  escape.weightsManifest[0].paths = ['../../../../etc/passwd'];
  write('mal_weights_outside', escape, {});
  return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
}));
