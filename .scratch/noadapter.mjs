const { initEngine } = await import('/work/main/dist/src/train/engine.js');
const log = [];
const chosen = await initEngine('auto', (m) => log.push(m));
console.log(JSON.stringify({ chosen, log }));
try { await initEngine('webgpu'); } catch (e) { console.log('forced:', e.message); }
