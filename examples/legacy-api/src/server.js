const http = require('http');
const express = require('express');
const cors = require('cors');
const bodyParser = require('body-parser');
const { Server } = require('socket.io');
const config = require('./config');
const users = require('./routes/users');

const app = express();
app.use(cors());
app.use(bodyParser.json());
app.use('/api', users);

const server = http.createServer(app);
const io = new Server(server, { cors: { origin: '*' } });

io.on('connection', (socket) => {
  socket.on('chat', (message) => io.emit('chat', message));
});

server.listen(config.port, () => console.log(`legacy-api listening on ${config.port}`));
